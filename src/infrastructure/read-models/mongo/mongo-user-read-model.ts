import type { Db, Filter } from 'mongodb';
import type { Page } from '../../../application/pagination.js';
import {
  ERASED_EMAIL,
  type UserReadModel,
  type UserSearch,
  type UserView,
} from '../../../application/ports/user-read-model.port.js';
import type { StoredRecord } from './mongo-projection-store.js';
import { escapeRegex, MongoProjectionStore } from './mongo-projection-store.js';

export const USERS_COLLECTION = 'rm_users';

/** Users shared by every instance in the MongoDB mode. Call `init()` once before use. */
export class MongoUserReadModel extends MongoProjectionStore<UserView> implements UserReadModel {
  constructor(db: Db) {
    super(db, {
      collection: USERS_COLLECTION,
      name: 'users',
      indexes: [
        { key: { email: 1 }, name: 'email' },
        { key: { username: 1 }, name: 'username' },
        { key: { seq: 1 }, name: 'seq' },
      ],
    });
  }

  async byId(id: string): Promise<UserView | null> {
    const record = await this.collection.findOne({ _id: id });
    return record === null ? null : this.fromRecord(record);
  }

  search(query: UserSearch): Promise<Page<UserView>> {
    // Erased accounts keep their document (counts, times) with ERASED_EMAIL, and are not listed.
    const filter: Filter<StoredRecord> = { email: { $ne: ERASED_EMAIL } };
    if (query.q !== undefined && query.q !== '') {
      const pattern = { $regex: escapeRegex(query.q), $options: 'i' };
      filter.$or = [{ email: pattern }, { username: pattern }, { fullName: pattern }];
    }
    if (query.role !== undefined) filter.role = query.role;
    return this.page(filter, query, 1);
  }
}
