/**
 * The MongoDB event store (research/eventstore-mongo.md §2.2–2.5). Portable to a standalone mongod,
 * a replica set and FerretDB 1.x, so correctness rests on ONE primitive: a single-document insert
 * guarded by unique indexes. No transactions, sessions, conditional updates or counters.
 *
 * - One commit document per append holds all its events, so a multi-event append is atomic.
 * - Unique {streamId, fromVersion}: two appends that read the same stream head collide.
 * - Unique {position}: the commit's first global position is "last committed position + 1", so
 *   positions are dense, and position p+1 exists only after its writer saw p committed. A reader
 *   scanning in position order therefore never sees p+1 without p: no gap detector is needed.
 * - _id = "<streamId>#<fromVersion, 10 digits>": a stream's commits can be walked by `_id` alone,
 *   which is the only lookup FerretDB serves without a full scan (on mongod an index serves it).
 * - Unique commitId: retrying an append with the same id returns the first result.
 * - Hash chain (hash-chain.ts): a commit names the hash of the event before its first position
 *   (`prevHash`) and stores each event's hash. It is computed from the head the writer read, so the
 *   unique position index that serialises positions serialises the chain too: a writer whose head
 *   was stale collides on the position, re-reads head and hash, and retries. No fork is possible.
 * A duplicate-key error is disambiguated by looking documents up, never by parsing its message
 * (FerretDB's names no index).
 *
 * Files: the document layout (mongo-commit-document.ts), the indexes (mongo-commit-indexes.ts),
 * appends and position allocation (mongo-commit-append.ts), the queries (mongo-commit-reads.ts),
 * the log's tail in a small collection on FerretDB (mongo-log-tail.ts).
 */
import type { Collection, Db } from 'mongodb';
import {
  StoreUnavailableError,
  type AppendRequest,
  type AppendResult,
  type EventStore,
  type StoredEvent,
} from '../../application/ports/event-store.port.js';
import { mongoGuard } from '../mongo/unavailable.js';
import { notify, validateAppend } from './append-rules.js';
import { MongoCommitAppender } from './mongo-commit-append.js';
import type { CommitDocument } from './mongo-commit-document.js';
import { createCommitIndexes } from './mongo-commit-indexes.js';
import { MongoCommitReads } from './mongo-commit-reads.js';
import { MongoLogTail } from './mongo-log-tail.js';

export interface MongoEventStoreOptions {
  /** Prefix of the collection names; the commits live in `<prefix>commits`. Default 'es_'. */
  readonly collectionPrefix?: string;
  /** Attempts at an append that keeps losing the race for the next global position. Default 50. */
  readonly maxAppendAttempts?: number;
}

type Listener = (position: number) => void;

const DEFAULT_MAX_APPEND_ATTEMPTS = 50;

/**
 * `close()` only detaches this store: the MongoClient belongs to the caller, who closes it (the
 * same client usually serves the read models too).
 */
export class MongoEventStore implements EventStore {
  private readonly commits: Collection<CommitDocument>;
  private readonly reads: MongoCommitReads;
  private readonly appender: MongoCommitAppender;
  private readonly listeners = new Set<Listener>();
  private initialized: Promise<void> | undefined;
  /** Learnt in `init`: on FerretDB, stream reads walk commits by `_id`. */
  private walkStreams = false;
  private closed = false;

  constructor(db: Db, options: MongoEventStoreOptions = {}) {
    this.commits = db.collection<CommitDocument>(`${options.collectionPrefix ?? 'es_'}commits`);
    const prefix = options.collectionPrefix ?? 'es_';
    const logTail = new MongoLogTail(db.collection<CommitDocument>(`${prefix}tail`));
    this.reads = new MongoCommitReads(this.commits, () => this.walkStreams, logTail);
    this.appender = new MongoCommitAppender(
      this.commits,
      this.reads,
      options.maxAppendAttempts ?? DEFAULT_MAX_APPEND_ATTEMPTS,
      () => (this.walkStreams ? logTail : null),
    );
  }

  /** A store whose indexes exist. */
  static async create(db: Db, options?: MongoEventStoreOptions): Promise<MongoEventStore> {
    const store = new MongoEventStore(db, options);
    await store.init();
    return store;
  }

  /**
   * Creates the indexes (idempotent). Every operation awaits it, because appending without the
   * unique indexes would silently corrupt the store.
   */
  init(): Promise<void> {
    this.initialized ??= this.guard(async () => {
      this.walkStreams = (await createCommitIndexes(this.commits)).walkStreams;
    }).catch((error: unknown) => {
      this.initialized = undefined; // let a later call try again
      throw error;
    });
    return this.initialized;
  }

  append(request: AppendRequest): Promise<AppendResult> {
    return this.guard(async () => {
      validateAppend(request);
      await this.ready();
      const result = await this.appender.append(request);
      if (result.written) notify(this.listeners, result.position);
      return { nextExpectedVersion: result.nextExpectedVersion, position: result.position };
    });
  }

  readStream(streamId: string, fromVersion = 1): Promise<StoredEvent[]> {
    return this.guard(async () => {
      await this.ready();
      return this.reads.stream(streamId, fromVersion);
    });
  }

  readAll(afterPosition: number, limit: number): Promise<StoredEvent[]> {
    return this.guard(async () => {
      await this.ready();
      return this.reads.all(afterPosition, limit);
    });
  }

  /** See `MongoCommitReads.tail`: the follower's read, from the tail collection on FerretDB. */
  readTail(afterPosition: number, limit: number): Promise<StoredEvent[]> {
    return this.guard(async () => {
      await this.ready();
      return this.reads.tail(afterPosition, limit);
    });
  }

  headPosition(): Promise<number> {
    return this.guard(async () => {
      await this.ready();
      return (await this.reads.head()).position;
    });
  }

  onAppended(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Detaches listeners and refuses further calls. Does NOT close the MongoClient (see above). */
  close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
    return Promise.resolve();
  }

  private async ready(): Promise<void> {
    if (this.closed) throw new Error('The event store is closed.');
    await this.init();
  }

  /** `mongoGuard`, and a stale position hint is dropped when the server went away. */
  private async guard<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await mongoGuard(operation);
    } catch (error) {
      if (error instanceof StoreUnavailableError) this.appender.forgetHead();
      throw error;
    }
  }
}
