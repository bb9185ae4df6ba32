import type {
  AnyBulkWriteOperation,
  Collection,
  Db,
  Document,
  Filter,
  IndexDescription,
  WriteError,
} from 'mongodb';
import { MongoBulkWriteError } from 'mongodb';
import type { Page, PageRequest } from '../../../application/pagination.js';
import { detectServerKind, type ServerKind } from '../../mongo/server-kind.js';
import {
  matchedField,
  type DocChange,
  type DocMatch,
  type PositionedDoc,
  type ProjectionStore,
} from '../../../application/ports/projection-store.port.js';

/** A read-model document as stored: the view's fields, `_id` = its id, `_pos` = last position applied. */
export type StoredRecord = Document & { _id: string; _pos: number };

interface CheckpointRecord {
  _id: string;
  position: number;
  updatedAt: string;
}

export interface MongoProjectionStoreOptions {
  /** Collection of the documents, e.g. `rm_users`. */
  readonly collection: string;
  /** Key of the checkpoint in `projection_checkpoints`: the read model's name. */
  readonly name: string;
  /** Secondary indexes the queries need; created by `init()`. */
  readonly indexes?: readonly IndexDescription[];
}

export const CHECKPOINTS_COLLECTION = 'projection_checkpoints';
const DUPLICATE_KEY = 11000;

/** Some upserts were refused because their `_id` exists with a `_pos` as new or newer: nothing else failed. */
const onlyStaleUpserts = (error: unknown): boolean => {
  if (!(error instanceof MongoBulkWriteError)) return false;
  if (error.result.getWriteConcernError() !== undefined) return false;
  const writeErrors = ([] as WriteError[]).concat(error.writeErrors);
  return writeErrors.length > 0 && writeErrors.every((writeError) => writeError.code === DUPLICATE_KEY);
};

/**
 * What the server really does, where the two differ for us (verified on FerretDB 1.24.2):
 * - FerretDB pushes only a filter that is exactly `{_id: value}` down to SQLite; `$in` or
 *   `{_id, _pos: {$lt}}` scan the whole collection, which would make a rebuild quadratic;
 * - its `update` stops at the first error even when unordered, so a stale guarded upsert would
 *   silently drop the rest of the batch;
 * - repeating a `createIndexes` of several plain indexes made it panic and drop the connection,
 *   while `createIndex` one index at a time is idempotent.
 */

/**
 * The write side every MongoDB read model shares. Portable to FerretDB 1.x: no transactions, no
 * conditional update relied on across writers (there is one writer, the projection runner),
 * dates as ISO strings, and on FerretDB every hot lookup and write keyed by `_id` alone.
 */
export class MongoProjectionStore<Doc extends object> implements ProjectionStore<Doc> {
  protected readonly collection: Collection<StoredRecord>;
  private readonly checkpoints: Collection<CheckpointRecord>;
  private readonly name: string;
  private readonly indexes: readonly IndexDescription[];
  private serverKind: Promise<ServerKind> | undefined;

  constructor(db: Db, options: MongoProjectionStoreOptions) {
    this.collection = db.collection<StoredRecord>(options.collection);
    this.checkpoints = db.collection<CheckpointRecord>(CHECKPOINTS_COLLECTION);
    this.name = options.name;
    this.indexes = options.indexes ?? [];
  }

  /** Creates the query indexes (idempotent) and learns which server this is. Call once at start. */
  async init(): Promise<void> {
    await this.server();
    for (const { key, ...options } of this.indexes) await this.collection.createIndex(key, options);
  }

  async load(ids: readonly string[]): Promise<Map<string, PositionedDoc<Doc>>> {
    const found = new Map<string, PositionedDoc<Doc>>();
    if (ids.length === 0) return found;
    const records =
      (await this.server()) === 'ferretdb'
        ? await Promise.all(ids.map((id) => this.collection.findOne({ _id: id })))
        : await this.collection.find({ _id: { $in: [...ids] } }).toArray();
    for (const record of records) {
      if (record !== null) found.set(record._id, { doc: this.fromRecord(record), position: record._pos });
    }
    return found;
  }

  async save(changes: readonly DocChange<Doc>[]): Promise<void> {
    if (changes.length === 0) return;
    if ((await this.server()) === 'ferretdb') await this.saveCheckedByClient(changes);
    else await this.saveGuardedByServer(changes);
  }

  /**
   * One unordered bulk of guarded upserts. When the stored `_pos` is already at or past a change,
   * the filter misses and the upsert's insert collides on `_id` (11000): a newer version is
   * stored, which is exactly what the guard wants. Any other failure is thrown and retried.
   */
  private async saveGuardedByServer(changes: readonly DocChange<Doc>[]): Promise<void> {
    const operations: AnyBulkWriteOperation<StoredRecord>[] = changes.map((change) => ({
      replaceOne: {
        filter: { _id: change.id, _pos: { $lt: change.position } },
        replacement: { ...change.doc, _pos: change.position },
        upsert: true,
      },
    }));
    try {
      await this.collection.bulkWrite(operations, { ordered: false });
    } catch (error) {
      if (!onlyStaleUpserts(error)) throw error;
    }
  }

  /**
   * FerretDB: read the stored positions by `_id`, drop the changes that are not newer, and write
   * the rest with `_id`-only upserts. Read-then-write is safe because the runner is the only
   * writer; a failure part-way is retried as a whole, and the check makes the retry harmless.
   */
  private async saveCheckedByClient(changes: readonly DocChange<Doc>[]): Promise<void> {
    const newest = new Map<string, DocChange<Doc>>();
    for (const change of changes) {
      const seen = newest.get(change.id);
      if (seen === undefined || seen.position < change.position) newest.set(change.id, change);
    }
    const stored = await Promise.all(
      [...newest.keys()].map((id) => this.collection.findOne({ _id: id }, { projection: { _pos: 1 } })),
    );
    for (const record of stored) {
      const change = record === null ? undefined : newest.get(record._id);
      if (record !== null && change !== undefined && record._pos >= change.position)
        newest.delete(record._id);
    }
    if (newest.size === 0) return;
    await this.collection.bulkWrite(
      [...newest.values()].map((change) => ({
        replaceOne: {
          filter: { _id: change.id },
          replacement: { ...change.doc, _pos: change.position },
          upsert: true,
        },
      })),
      { ordered: true },
    );
  }

  private server(): Promise<ServerKind> {
    this.serverKind ??= detectServerKind(this.collection.db).catch((error: unknown) => {
      this.serverKind = undefined; // ask again next time
      throw error;
    });
    return this.serverKind;
  }

  async checkpoint(): Promise<number> {
    const record = await this.checkpoints.findOne({ _id: this.name });
    return record?.position ?? 0;
  }

  async saveCheckpoint(position: number): Promise<void> {
    await this.checkpoints.replaceOne(
      { _id: this.name },
      { position, updatedAt: new Date().toISOString() },
      { upsert: true },
    );
  }

  /**
   * The checkpoint goes first: a crash in between leaves old documents with checkpoint 0, which a
   * replay fixes (the `_pos` guard), never an empty collection that claims to be up to date.
   */
  async reset(): Promise<void> {
    await this.checkpoints.deleteOne({ _id: this.name });
    await this.collection.deleteMany({});
  }

  /**
   * One page in `seq` order after the cursor `after` (newest first with `direction` -1): fetches
   * `limit + 1` documents, the extra one only saying that there is more.
   */
  protected async page(
    filter: Filter<StoredRecord>,
    request: PageRequest,
    direction: 1 | -1,
  ): Promise<Page<Doc>> {
    if (request.limit < 1) return { items: [], nextAfter: null };
    const query: Filter<StoredRecord> =
      request.after === undefined
        ? filter
        : { ...filter, seq: { [direction === 1 ? '$gt' : '$lt']: request.after } };
    const records = await this.collection
      .find(query)
      .sort({ seq: direction })
      .limit(request.limit + 1)
      .toArray();
    const shown = records.slice(0, request.limit);
    const lastSeq: unknown = shown.at(-1)?.['seq'];
    const more = records.length > request.limit && typeof lastSeq === 'number';
    return { items: shown.map((record) => this.fromRecord(record)), nextAfter: more ? lastSeq : null };
  }

  /** A scan on FerretDB (erasures and expiries are rare); one replace per document, keeping its `_pos`. */
  async scrub(match: DocMatch, scrub: (doc: Doc) => Doc): Promise<void> {
    const field = matchedField(match);
    const filter: Filter<StoredRecord> =
      'equals' in match ? { [field]: match.equals } : { [field]: { $gte: match.from, $lt: match.before } };
    const records = await this.collection.find(filter).toArray();
    for (const record of records) {
      await this.collection.replaceOne(
        { _id: record._id },
        { ...scrub(this.fromRecord(record)), _pos: record._pos },
      );
    }
  }

  /** The view as the ports define it, without the storage fields. */
  protected fromRecord(record: StoredRecord): Doc {
    const { _id: _ignoredId, _pos: _ignoredPos, ...doc } = record;
    // The collection holds only what `save` wrote, which was a Doc.
    return doc as Doc;
  }
}

/** `q` as a literal, case-insensitive substring pattern: user input never becomes regex syntax. */
export const escapeRegex = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
