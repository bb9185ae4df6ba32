import type { Db, Filter } from 'mongodb';
import type {
  LoginAttemptFilter,
  LoginAttemptReadModel,
  LoginAttemptView,
} from '../../../application/ports/login-attempt-read-model.port.js';
import type { Page, PageRequest } from '../../../application/pagination.js';
import type { StoredRecord } from './mongo-projection-store.js';
import { MongoProjectionStore } from './mongo-projection-store.js';

export const LOGIN_ATTEMPTS_COLLECTION = 'rm_login_attempts';
const STREAM_BATCH_SIZE = 500;

/** Dates are stored as ISO strings, which order like the instants they name. */
function toMongoFilter(filter: LoginAttemptFilter): Filter<StoredRecord> {
  const query: Filter<StoredRecord> = {};
  if (filter.userId !== undefined) query['userId'] = filter.userId;
  if (filter.identifier !== undefined) query['identifier'] = filter.identifier;
  if (filter.outcome !== undefined) query['outcome'] = filter.outcome;
  if (filter.ip !== undefined) query['ip'] = filter.ip;
  if (filter.from !== undefined || filter.to !== undefined) {
    query['occurredAt'] = {
      ...(filter.from === undefined ? {} : { $gte: filter.from.toISOString() }),
      ...(filter.to === undefined ? {} : { $lt: filter.to.toISOString() }),
    };
  }
  return query;
}

/** The login trail shared by every instance in the MongoDB mode. Call `init()` once before use. */
export class MongoLoginAttemptReadModel
  extends MongoProjectionStore<LoginAttemptView>
  implements LoginAttemptReadModel
{
  constructor(db: Db) {
    super(db, {
      collection: LOGIN_ATTEMPTS_COLLECTION,
      name: 'login-attempts',
      indexes: [
        { key: { seq: -1 }, name: 'seq' },
        { key: { userId: 1, seq: -1 }, name: 'userId_seq' },
        { key: { identifier: 1, seq: -1 }, name: 'identifier_seq' },
        { key: { ip: 1, seq: -1 }, name: 'ip_seq' },
        { key: { outcome: 1, seq: -1 }, name: 'outcome_seq' },
        { key: { occurredAt: 1 }, name: 'occurredAt' },
      ],
    });
  }

  query(filter: LoginAttemptFilter, page: PageRequest): Promise<Page<LoginAttemptView>> {
    return this.page(toMongoFilter(filter), page, -1);
  }

  /** One cursor fetched in batches: memory stays constant however long the trail is. */
  async *stream(filter: LoginAttemptFilter): AsyncIterable<LoginAttemptView> {
    const cursor = this.collection.find(toMongoFilter(filter)).sort({ seq: -1 }).batchSize(STREAM_BATCH_SIZE);
    try {
      for await (const record of cursor) yield this.fromRecord(record);
    } finally {
      await cursor.close();
    }
  }
}
