import { MongoServerError, type Collection, type Db, type Filter } from 'mongodb';
import type {
  DataKeyStore,
  LiveKeyFilter,
  StoredDataKey,
} from '../../application/ports/data-key-store.port.js';
import { periodOfKeyId } from '../../application/privacy/personal-fields.js';

export const DATA_KEYS_COLLECTION = 'data_keys';

interface KeyDocument {
  _id: string;
  wrapped: string | null;
  createdAt: Date;
  destroyedAt: Date | null;
  /** The day of a period key (what the retention sweep looks up), null for a user's own key. */
  period: string | null;
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
  private periodIndex: Promise<void> | undefined;

  constructor(db: Db) {
    this.keys = db.collection<KeyDocument>(DATA_KEYS_COLLECTION);
  }

  async get(keyId: string): Promise<StoredDataKey | null> {
    const doc = await this.keys.findOne({ _id: keyId });
    return doc === null ? null : keyOf(doc);
  }

  async createIfAbsent(keyId: string, wrapped: string, at: Date): Promise<StoredDataKey> {
    try {
      await this.keys.insertOne({
        _id: keyId,
        wrapped,
        createdAt: at,
        destroyedAt: null,
        period: periodOfKeyId(keyId),
      });
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
        await this.keys.insertOne({
          _id: keyId,
          wrapped: null,
          createdAt: at,
          destroyedAt: at,
          period: periodOfKeyId(keyId),
        });
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

  /** One update for the live ones; ids never stored get their tombstone one by one (rare). */
  async destroyMany(keyIds: readonly string[], at: Date): Promise<number> {
    if (keyIds.length === 0) return 0;
    const result = await this.keys.updateMany(
      { _id: { $in: [...keyIds] }, wrapped: { $ne: null } },
      { $set: { wrapped: null, destroyedAt: at } },
    );
    const stored = new Set(
      (await this.keys.find({ _id: { $in: [...keyIds] } }, { projection: { _id: 1 } }).toArray()).map(
        (doc) => doc._id,
      ),
    );
    for (const keyId of keyIds) if (!stored.has(keyId)) await this.destroy(keyId, at);
    return result.modifiedCount;
  }

  async liveKeys(filter: LiveKeyFilter): Promise<string[]> {
    // By id: what an erasure lists, needing nothing else.
    if ('prefix' in filter)
      return this.liveIds({ _id: { $gte: filter.prefix, $lt: `${filter.prefix}\u{10ffff}` } });
    await this.prepareForSweep();
    return this.liveIds({ period: { $lt: filter.periodBefore } });
  }

  private async liveIds(query: Filter<KeyDocument>): Promise<string[]> {
    const docs = await this.keys
      .find({ ...query, wrapped: { $ne: null } }, { projection: { _id: 1 } })
      .sort({ _id: 1 })
      .toArray();
    return docs.map((doc) => doc._id);
  }

  /**
   * The sweep's index (created once; tried again after a failure), and the `period` of keys
   * written without the field (by a version before it, also one still running in a rolling
   * upgrade): set from the id at every sweep, so the sweep finds them.
   */
  private async prepareForSweep(): Promise<void> {
    this.periodIndex ??= this.keys
      .createIndex({ period: 1 }, { name: 'period' })
      .then(() => undefined)
      .catch((error: unknown) => {
        this.periodIndex = undefined;
        throw error;
      });
    await this.periodIndex;
    const unmarked = await this.keys
      .find({ period: { $exists: false } }, { projection: { _id: 1 } })
      .toArray();
    for (const { _id } of unmarked) {
      await this.keys.updateOne(
        { _id, period: { $exists: false } },
        { $set: { period: periodOfKeyId(_id) } },
      );
    }
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
