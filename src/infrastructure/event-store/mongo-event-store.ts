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
 */
import { AsyncLock } from '../../application/concurrency/async-lock.js';
import { randomUUID } from 'node:crypto';
import { MongoError, type Collection, type Db } from 'mongodb';
import {
  ConcurrencyError,
  StoreUnavailableError,
  type AppendRequest,
  type AppendResult,
  type EventData,
  type EventMetadata,
  type EventStore,
  type ExpectedVersion,
  type StoredEvent,
} from '../../application/ports/event-store.port.js';
import { notify, satisfies, validateAppend } from './append-rules.js';
import { chainHashes, GENESIS_HASH } from './hash-chain.js';
import { detectServerKind } from '../mongo/server-kind.js';
import { mongoGuard } from '../mongo/unavailable.js';

export interface MongoEventStoreOptions {
  /** Prefix of the collection names; the commits live in `<prefix>commits`. Default 'es_'. */
  readonly collectionPrefix?: string;
  /** Attempts at an append that keeps losing the race for the next global position. Default 50. */
  readonly maxAppendAttempts?: number;
}

/** One append: the unit of atomicity, concurrency control and idempotency. */
interface CommitDocument {
  /** `commitKey(streamId, fromVersion)`. */
  _id: string;
  /** The caller's idempotency key, or a fresh UUID. */
  commitId: string;
  streamId: string;
  /** Stream version of the first event; unique per stream. */
  fromVersion: number;
  /** Stream version of the last event. */
  toVersion: number;
  /** Global position of the first event; unique, dense across commits. */
  position: number;
  /** Global position of the last event (position + events.length - 1). */
  lastPosition: number;
  events: CommitEvent[];
  /** Shared by every event of the commit. */
  metadata: EventMetadata;
  occurredAt: Date;
  /** Hash of position - 1 (64 zeros where the chain starts); absent in commits from before it. */
  prevHash?: string;
  /** Hash of the last event, so reading the head needs no array projection. */
  lastHash?: string;
}

interface CommitEvent {
  type: string;
  version: number;
  data: EventData;
  hash?: string;
}

/** The last committed position and its hash (null before the chain began, or when empty). */
interface Head {
  readonly position: number;
  readonly hash: string | null;
}

type Listener = (position: number) => void;

const DUPLICATE_KEY = 11000;
const DEFAULT_MAX_APPEND_ATTEMPTS = 50;

/**
 * `close()` only detaches this store: the MongoClient belongs to the caller, who closes it (the
 * same client usually serves the read models too).
 */
export class MongoEventStore implements EventStore {
  private readonly commits: Collection<CommitDocument>;
  private readonly maxAppendAttempts: number;
  private readonly listeners = new Set<Listener>();
  /** Serialises this process's position claims, so its own appends never race each other. */
  private readonly positionLock = new AsyncLock();
  /**
   * The highest position this process has seen committed: a hint for the next insert, never a
   * reservation. A stale hint only costs a duplicate-key error and a re-read.
   */
  private headHint: Head | undefined;
  private initialized: Promise<void> | undefined;
  /** Learnt in `init`: on FerretDB, stream reads walk commits by `_id`. */
  private walkStreams = false;
  private closed = false;

  constructor(db: Db, options: MongoEventStoreOptions = {}) {
    this.commits = db.collection<CommitDocument>(`${options.collectionPrefix ?? 'es_'}commits`);
    this.maxAppendAttempts = options.maxAppendAttempts ?? DEFAULT_MAX_APPEND_ATTEMPTS;
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
      // One index per command: FerretDB 1.24.2 drops the connection (a server-side panic) when a
      // createIndexes with several indexes finds them all existing, e.g. a second instance starting.
      await this.commits.createIndex(
        { streamId: 1, fromVersion: 1 },
        { name: 'stream_version_unique', unique: true },
      );
      await this.commits.createIndex({ position: 1 }, { name: 'position_unique', unique: true });
      await this.commits.createIndex({ commitId: 1 }, { name: 'commit_id_unique', unique: true });
      this.walkStreams = (await detectServerKind(this.commits.db)) === 'ferretdb';
      // readAll's range scan; ascending lastPosition is the same order as ascending position.
      await this.commits.createIndex({ lastPosition: 1 }, { name: 'last_position' });
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
      const result = await this.appendWithRetries(request);
      if (result.written) notify(this.listeners, result.position);
      return { nextExpectedVersion: result.nextExpectedVersion, position: result.position };
    });
  }

  readStream(streamId: string, fromVersion = 1): Promise<StoredEvent[]> {
    return this.guard(async () => {
      await this.ready();
      const commits = this.walkStreams
        ? await this.walkStream(streamId)
        : await this.commits
            .find({ streamId, toVersion: { $gte: fromVersion } })
            .sort({ fromVersion: 1 })
            .toArray();
      return commits.flatMap(expandCommit).filter((event) => event.streamVersion >= fromVersion);
    });
  }

  readAll(afterPosition: number, limit: number): Promise<StoredEvent[]> {
    return this.guard(async () => {
      await this.ready();
      if (limit <= 0) return [];
      // Each commit holds at least one event past `afterPosition`, so `limit` commits are enough.
      // Sorting by lastPosition (same order as position) lets one index serve filter and sort.
      const commits = await this.commits
        .find({ lastPosition: { $gt: afterPosition } })
        .sort({ lastPosition: 1 })
        .limit(Math.trunc(limit))
        .toArray();
      return commits
        .flatMap(expandCommit)
        .filter((event) => event.position > afterPosition)
        .slice(0, limit);
    });
  }

  headPosition(): Promise<number> {
    return this.guard(async () => {
      await this.ready();
      return (await this.readHead()).position;
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

  private async appendWithRetries(
    request: AppendRequest,
  ): Promise<AppendResult & { readonly written: boolean }> {
    const { streamId, expectedVersion } = request;
    const commitId = request.commitId ?? randomUUID();
    const events = request.events.map((event): CommitEvent => ({
      type: event.type,
      version: event.version ?? 1,
      data: asJson(event.data),
    }));
    const metadata = asJson(request.metadata);

    for (let attempt = 1; attempt <= this.maxAppendAttempts; attempt += 1) {
      const current = await this.streamVersionFor(streamId, expectedVersion);
      if (!satisfies(expectedVersion, current)) {
        // A retry of an append that already succeeded sees the stream past its expectation.
        const previous = await this.previousResult(request.commitId);
        if (previous !== undefined) return previous;
        throw new ConcurrencyError(streamId, expectedVersion, current);
      }

      const inserted = await this.positionLock.run(() =>
        this.tryInsert(request.occurredAt, {
          _id: commitKey(streamId, current + 1),
          commitId,
          streamId,
          fromVersion: current + 1,
          toVersion: current + events.length,
          events,
          metadata,
          occurredAt: request.occurredAt,
        }),
      );
      if (inserted !== undefined) return { ...inserted, written: true };

      // Duplicate key. Which constraint? Look, in this order: our own commit (an idempotent
      // retry), then the stream (someone appended first), else only the position was taken.
      const [previous, streamMoved] = await Promise.all([
        this.previousResult(request.commitId),
        this.commits
          .findOne({ _id: commitKey(streamId, current + 1) }, { projection: { _id: 1 } })
          .then((found) => found !== null),
      ]);
      if (previous !== undefined) return previous;
      if (streamMoved) {
        // 'any' and 'stream_exists' still hold against the new head: just try again.
        if (expectedVersion !== 'any' && expectedVersion !== 'stream_exists') {
          throw new ConcurrencyError(streamId, expectedVersion, await this.readStreamVersion(streamId));
        }
      } else {
        await jitteredBackoff(attempt);
      }
    }
    throw new StoreUnavailableError(
      `Append to ${streamId} lost the race for a global position ${this.maxAppendAttempts} times.`,
    );
  }

  /**
   * Inserts the commit at the next global position. Returns undefined on a duplicate key (after
   * forgetting the position hint, which may be what was stale).
   */
  private async tryInsert(
    occurredAt: Date,
    commit: Omit<CommitDocument, 'position' | 'lastPosition' | 'prevHash' | 'lastHash'>,
  ): Promise<AppendResult | undefined> {
    const head = this.headHint ?? (await this.readHead());
    const position = head.position + 1;
    const lastPosition = head.position + commit.events.length;
    const prevHash = head.hash ?? GENESIS_HASH;
    const hashes = chainHashes(
      prevHash,
      commit.events.map((event, index) => ({
        ...event,
        streamId: commit.streamId,
        streamVersion: commit.fromVersion + index,
        position: position + index,
        occurredAt,
        metadata: commit.metadata,
      })),
    );
    const events = commit.events.map((event, index) => ({ ...event, hash: hashes[index] ?? '' }));
    const lastHash = hashes.at(-1) ?? prevHash;
    try {
      await this.commits.insertOne({ ...commit, events, position, lastPosition, prevHash, lastHash });
    } catch (error) {
      this.headHint = undefined;
      if (isDuplicateKey(error)) return undefined;
      throw error;
    }
    // Only ever our own commit: the next one in the store necessarily starts right after it.
    this.headHint = { position: lastPosition, hash: lastHash };
    return { nextExpectedVersion: commit.toVersion, position: lastPosition };
  }

  /**
   * The stream version to build on. For 'no_stream' (or 0) it is 0 without a read: every stream's
   * first commit has fromVersion 1, so an existing stream makes the insert collide anyway.
   */
  private streamVersionFor(streamId: string, expected: ExpectedVersion): Promise<number> {
    return expected === 'no_stream' || expected === 0 ? Promise.resolve(0) : this.readStreamVersion(streamId);
  }

  private async readStreamVersion(streamId: string): Promise<number> {
    if (this.walkStreams) return (await this.walkStream(streamId, { toVersion: 1 })).at(-1)?.toVersion ?? 0;
    const head = await this.commits.findOne<Pick<CommitDocument, 'toVersion'>>(
      { streamId },
      { sort: { fromVersion: -1 }, projection: { _id: 0, toVersion: 1 } },
    );
    return head?.toVersion ?? 0;
  }

  private async readHead(): Promise<Head> {
    const last = await this.commits.findOne<Pick<CommitDocument, 'lastPosition' | 'lastHash'>>(
      {},
      { sort: { position: -1 }, projection: { _id: 0, lastPosition: 1, lastHash: 1 } },
    );
    return { position: last?.lastPosition ?? 0, hash: last?.lastHash ?? null };
  }

  private async previousResult(
    commitId: string | undefined,
  ): Promise<(AppendResult & { readonly written: false }) | undefined> {
    if (commitId === undefined) return undefined; // a fresh UUID cannot have been stored before
    const previous = await this.commits.findOne<Pick<CommitDocument, 'toVersion' | 'lastPosition'>>(
      { commitId },
      { projection: { _id: 0, toVersion: 1, lastPosition: 1 } },
    );
    return previous === null
      ? undefined
      : { nextExpectedVersion: previous.toVersion, position: previous.lastPosition, written: false };
  }

  /**
   * A stream's commits in order, one `_id` lookup each: version 1's commit, then the one starting
   * after it, until none. Cheaper on FerretDB than one query that scans the whole collection.
   */
  private async walkStream<P extends Partial<Record<keyof CommitDocument, 1>>>(
    streamId: string,
    projection?: P,
  ): Promise<CommitDocument[]> {
    const commits: CommitDocument[] = [];
    for (let next = 1; ;) {
      const commit = await this.commits.findOne(
        { _id: commitKey(streamId, next) },
        projection === undefined ? {} : { projection },
      );
      if (commit === null) return commits;
      commits.push(commit);
      next = commit.toVersion + 1;
    }
  }

  /** `mongoGuard`, and a stale position hint is dropped when the server went away. */
  private async guard<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await mongoGuard(operation);
    } catch (error) {
      if (error instanceof StoreUnavailableError) this.headHint = undefined;
      throw error;
    }
  }
}

/** Sorts like the versions and cannot collide: a fixed-width suffix after the stream id. */
function commitKey(streamId: string, fromVersion: number): string {
  return `${streamId}#${String(fromVersion).padStart(10, '0')}`;
}

function expandCommit(commit: CommitDocument): StoredEvent[] {
  return commit.events.map((event, index) => ({
    type: event.type,
    version: event.version,
    streamId: commit.streamId,
    streamVersion: commit.fromVersion + index,
    position: commit.position + index,
    occurredAt: commit.occurredAt,
    data: event.data,
    metadata: commit.metadata,
    hash: event.hash ?? null,
    prevHash:
      event.hash === undefined
        ? null
        : index === 0
          ? (commit.prevHash ?? null)
          : (commit.events[index - 1]?.hash ?? null),
  }));
}

/**
 * Stores exactly what JSON would: undefined properties dropped (the driver would write null),
 * Dates as ISO strings. Both stores then return the same data.
 */
function asJson<T extends object>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

function isDuplicateKey(error: unknown): boolean {
  return error instanceof MongoError && error.code === DUPLICATE_KEY;
}

/** Up to 1, 2, 4 … 32 ms, random: two instances that collided should not collide again in step. */
function jitteredBackoff(attempt: number): Promise<void> {
  const ceilingMs = Math.min(2 ** (attempt - 1), 32);
  return new Promise((resolve) => setTimeout(resolve, Math.random() * ceilingMs));
}
