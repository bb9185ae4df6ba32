import type { Db } from 'mongodb';
import type { Page, PageRequest } from '../../../application/pagination.js';
import type { SessionReadModel, SessionView } from '../../../application/ports/session-read-model.port.js';
import { MongoProjectionStore } from './mongo-projection-store.js';

export const SESSIONS_COLLECTION = 'rm_sessions';

/** Sessions shared by every instance in the MongoDB mode. Call `init()` once before use. */
export class MongoSessionReadModel extends MongoProjectionStore<SessionView> implements SessionReadModel {
  constructor(db: Db) {
    super(db, {
      collection: SESSIONS_COLLECTION,
      name: 'sessions',
      indexes: [
        { key: { userId: 1, seq: -1 }, name: 'userId_seq' },
        { key: { revokedAt: 1 }, name: 'revokedAt' },
      ],
    });
  }

  async byId(id: string): Promise<SessionView | null> {
    const record = await this.collection.findOne({ _id: id });
    return record === null ? null : this.fromRecord(record);
  }

  async activeOf(userId: string, now: Date, page: PageRequest): Promise<Page<SessionView>> {
    // Expiry is decided in the query, not by a TTL index: FerretDB 1.x has none.
    return this.page({ userId, revokedAt: null, expiresAt: { $gt: now.toISOString() } }, page, -1);
  }

  async revokedSince(since: Date): Promise<readonly { readonly id: string; readonly revokedAt: string }[]> {
    // Comparison operators only match strings against strings, so `revokedAt: null` never matches.
    const records = await this.collection
      .find({ revokedAt: { $gte: since.toISOString() } }, { projection: { _id: 1, revokedAt: 1 } })
      .toArray();
    return records.map((record) => ({ id: record._id, revokedAt: String(record['revokedAt']) }));
  }
}
