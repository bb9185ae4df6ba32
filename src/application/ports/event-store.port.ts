/**
 * The event store: the system of record and the audit trail. Adapters: embedded SQLite and MongoDB.
 * Both pass tests/contract/event-store.contract.ts.
 */
export type ExpectedVersion = 'no_stream' | 'stream_exists' | 'any' | number;

/** Who and where a change came from; stored with every event of an append. */
export interface EventMetadata {
  readonly requestId?: string | undefined;
  readonly ip?: string | undefined;
  readonly userAgent?: string | undefined;
  /** The acting user when it is not the subject (an administrator), or the subject itself. */
  readonly actorId?: string | undefined;
  /**
   * Stored form only: `ip` and `userAgent` sealed under their subject's data key (see
   * PersonalDataEventStore). Readers of the service's event store get them opened instead.
   */
  readonly personal?: { readonly key: string; readonly sealed: string } | undefined;
}

/** JSON-safe event data: no Dates (ISO strings instead), no NaN, no keys with "." or a leading "$". */
export type EventData = Readonly<Record<string, unknown>>;

export interface NewEvent {
  readonly type: string;
  readonly data: EventData;
  /** Schema version of `data`; old versions are upcast on read, never rewritten. Defaults to 1. */
  readonly version?: number;
}

export interface StoredEvent {
  readonly type: string;
  /** Schema version of `data`. */
  readonly version: number;
  readonly streamId: string;
  /** 1-based, contiguous within a stream. */
  readonly streamVersion: number;
  /** 1-based, dense and strictly increasing across the whole store. */
  readonly position: number;
  readonly occurredAt: Date;
  readonly data: EventData;
  readonly metadata: EventMetadata;
  /**
   * Lower-case hex SHA-256 of `prevHash + "\n" + JCS(event)` (the audit hash chain); null for an
   * event stored before the chain existed.
   */
  readonly hash: string | null;
  /** The previous position's hash (64 zeros where the chain starts); null with `hash`. */
  readonly prevHash: string | null;
}

export interface AppendRequest {
  readonly streamId: string;
  readonly expectedVersion: ExpectedVersion;
  /** At least one event. All of them are stored, or none. */
  readonly events: readonly NewEvent[];
  readonly metadata: EventMetadata;
  readonly occurredAt: Date;
  /** Idempotency key: appending again with the same id returns the first result. */
  readonly commitId?: string;
}

export interface AppendResult {
  /** The stream's version after the append (the version of its last event). */
  readonly nextExpectedVersion: number;
  /** Global position of the last event appended. */
  readonly position: number;
}

export interface EventStore {
  append(request: AppendRequest): Promise<AppendResult>;
  /** Events of one stream with streamVersion >= fromVersion (default 1), in order. */
  readStream(streamId: string, fromVersion?: number): Promise<StoredEvent[]>;
  /**
   * Up to `limit` events with position > afterPosition, in position order. Never returns a position
   * while a smaller one may still appear, so a reader that checkpoints never skips an event.
   */
  readAll(afterPosition: number, limit: number): Promise<StoredEvent[]>;
  /**
   * As `readAll`, but may return fewer events than exist (never a gap): a cheap read of the log's
   * tail for a follower that polls, where a range query costs a scan (FerretDB). Absent: `readAll`.
   */
  readTail?(afterPosition: number, limit: number): Promise<StoredEvent[]>;
  /** The highest committed position (0 when empty). */
  headPosition(): Promise<number>;
  /** Called in-process after each successful append with its last position; returns an unsubscribe. */
  onAppended(listener: (position: number) => void): () => void;
  close(): Promise<void>;
}

export const EVENT_STORE = Symbol('EventStore');

/** The stream was not at the expected version: someone else appended first. */
export class ConcurrencyError extends Error {
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedVersion,
    readonly actual: number,
  ) {
    super(`Stream ${streamId} is at version ${actual}, expected ${String(expected)}.`);
    this.name = 'ConcurrencyError';
  }
}

/** The store could not be reached or did not answer in time; the request may be retried. */
export class StoreUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}
