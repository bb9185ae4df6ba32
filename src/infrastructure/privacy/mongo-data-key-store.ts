import { MongoServerError, type Collection, type Db } from 'mongodb';
import type { DataKeyStore, StoredDataKey } from '../../application/ports/data-key-store.port.js';

export const DATA_KEYS_COLLECTION = 'data_keys';

interface KeyDocument {
  _id: string;
  wrapped: string | null;
  createdAt: Date;
  destroyedAt: Date | null;
}

const DUPLICATE_KEY = 11000;
const keyOf = (doc: KeyDocument): StoredDataKey => ({
  keyId: doc._id,
  wrapped: doc.wrapped,
  createdAt: doc.createdAt,
  destroyedAt: doc.destroyedAt,
});

/**
 * Shared by every instance, keyed by `_id` (the one lookup FerretDB pushes down). A key is
 * created by a single insert guarded by the `_id` index, the primitive that is atomic on FerretDB
 * too; a destroy only ever moves a key towards its tombstone, so a lost update cannot revive it.
 */
export class MongoDataKeyStore implements DataKeyStore {
  private readonly keys: Collection<KeyDocument>;

  constructor(db: Db) {
    this.keys = db.collection<KeyDocument>(DATA_KEYS_COLLECTION);
  }

  async get(keyId: string): Promise<StoredDataKey | null> {
    const doc = await this.keys.findOne({ _id: keyId });
    return doc === null ? null : keyOf(doc);
  }

  async createIfAbsent(keyId: string, wrapped: string, at: Date): Promise<StoredDataKey> {
    try {
      await this.keys.insertOne({ _id: keyId, wrapped, createdAt: at, destroyedAt: null });
    } catch (error) {
      if (!(error instanceof MongoServerError && error.code === DUPLICATE_KEY)) throw error;
    }
    const doc = await this.keys.findOne({ _id: keyId });
    if (doc === null) throw new Error(`data key ${keyId} vanished after its insert`);
    return keyOf(doc);
  }

  async destroy(keyId: string, at: Date): Promise<boolean> {
    const existing = await this.keys.findOne({ _id: keyId });
    if (existing === null) {
      try {
        await this.keys.insertOne({ _id: keyId, wrapped: null, createdAt: at, destroyedAt: at });
        return false;
      } catch (error) {
        if (!(error instanceof MongoServerError && error.code === DUPLICATE_KEY)) throw error;
      }
    }
    const result = await this.keys.updateOne(
      { _id: keyId, wrapped: { $ne: null } },
      { $set: { wrapped: null, destroyedAt: at } },
    );
    return result.modifiedCount > 0;
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
