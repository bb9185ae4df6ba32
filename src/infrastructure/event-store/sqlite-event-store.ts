/**
 * The embedded event store: one SQLite file through `node:sqlite`.
 *
 * Every append runs inside `BEGIN IMMEDIATE … COMMIT`, which takes SQLite's single write lock up
 * front. All reads that decide the append (idempotency, stream version, last position) happen under
 * that lock, so appends are serialised even across processes on the same file (an operator CLI next
 * to the server), positions are dense (last + 1) and a reader never sees position p+1 before p.
 * `DatabaseSync` is synchronous: an append never yields to the event loop half-way, so two stores
 * in one process cannot interleave either.
 */
import { randomUUID } from 'node:crypto';
import type { DatabaseSync, SQLOutputValue, StatementSync } from 'node:sqlite';
import { asPromise, immediateTransaction, openPrivateSqlite } from '../system/private-sqlite.js';
import {
  ConcurrencyError,
  type AppendRequest,
  type AppendResult,
  type EventData,
  type EventMetadata,
  type EventStore,
  type StoredEvent,
} from '../../application/ports/event-store.port.js';
import { notify, satisfies, validateAppend } from './append-rules.js';
import { chainHash, GENESIS_HASH } from './hash-chain.js';

export interface SqliteEventStoreOptions {
  /** Path of the database file (its directory is created if missing), or ':memory:'. */
  readonly file: string;
  /** How long to wait for another process's write lock before giving up. Default 5000 ms. */
  readonly busyTimeoutMs?: number;
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS events (
    position       INTEGER PRIMARY KEY,
    stream_id      TEXT    NOT NULL,
    stream_version INTEGER NOT NULL,
    type           TEXT    NOT NULL,
    version        INTEGER NOT NULL,
    data           TEXT    NOT NULL,
    metadata       TEXT    NOT NULL,
    occurred_at    TEXT    NOT NULL,
    commit_id      TEXT    NOT NULL,
    -- The audit hash chain (hash-chain.ts); NULL in rows written before it existed.
    hash           TEXT,
    prev_hash      TEXT,
    -- Also the index readStream and the stream-version lookup use.
    UNIQUE (stream_id, stream_version)
  ) STRICT;
  -- One row per append, so a retried commit id returns the first result without writing.
  CREATE TABLE IF NOT EXISTS commits (
    commit_id     TEXT    PRIMARY KEY,
    stream_id     TEXT    NOT NULL,
    last_position INTEGER NOT NULL,
    next_version  INTEGER NOT NULL
  ) STRICT, WITHOUT ROWID;
`;

type Row = Record<string, SQLOutputValue>;

export class SqliteEventStore implements EventStore {
  private readonly db: DatabaseSync;
  private readonly statements: {
    readonly findCommit: StatementSync;
    readonly streamVersion: StatementSync;
    readonly lastPosition: StatementSync;
    readonly head: StatementSync;
    readonly insertEvent: StatementSync;
    readonly insertCommit: StatementSync;
    readonly readStream: StatementSync;
    readonly readAll: StatementSync;
  };
  private readonly listeners = new Set<(position: number) => void>();

  constructor(options: SqliteEventStoreOptions) {
    this.db = openPrivateSqlite(options.file, options.busyTimeoutMs);
    this.db.exec(SCHEMA);
    addChainColumns(this.db);
    this.statements = {
      findCommit: this.db.prepare('SELECT last_position, next_version FROM commits WHERE commit_id = ?'),
      streamVersion: this.db.prepare(
        'SELECT COALESCE(MAX(stream_version), 0) AS v FROM events WHERE stream_id = ?',
      ),
      lastPosition: this.db.prepare('SELECT COALESCE(MAX(position), 0) AS p FROM events'),
      head: this.db.prepare('SELECT position, hash FROM events ORDER BY position DESC LIMIT 1'),
      insertEvent: this.db.prepare(
        `INSERT INTO events (position, stream_id, stream_version, type, version, data, metadata,
                             occurred_at, commit_id, hash, prev_hash)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      insertCommit: this.db.prepare(
        'INSERT INTO commits (commit_id, stream_id, last_position, next_version) VALUES (?, ?, ?, ?)',
      ),
      readStream: this.db.prepare(
        `SELECT * FROM events WHERE stream_id = ? AND stream_version >= ?
         ORDER BY stream_version`,
      ),
      readAll: this.db.prepare('SELECT * FROM events WHERE position > ? ORDER BY position LIMIT ?'),
    };
  }

  append(request: AppendRequest): Promise<AppendResult> {
    return this.run(() => {
      validateAppend(request);
      const result = this.appendInTransaction(request);
      if (result.written) notify(this.listeners, result.position);
      return { nextExpectedVersion: result.nextExpectedVersion, position: result.position };
    });
  }

  readStream(streamId: string, fromVersion = 1): Promise<StoredEvent[]> {
    return this.run(() => this.statements.readStream.all(streamId, fromVersion).map(toStoredEvent));
  }

  readAll(afterPosition: number, limit: number): Promise<StoredEvent[]> {
    return this.run(() =>
      limit <= 0 ? [] : this.statements.readAll.all(afterPosition, Math.trunc(limit)).map(toStoredEvent),
    );
  }

  headPosition(): Promise<number> {
    return this.run(() => numberColumn(this.statements.lastPosition.get(), 'p'));
  }

  onAppended(listener: (position: number) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  close(): Promise<void> {
    return this.run(() => {
      this.listeners.clear();
      if (this.db.isOpen) this.db.close();
    });
  }

  private appendInTransaction(request: AppendRequest): AppendResult & { readonly written: boolean } {
    const { streamId, events } = request;
    return immediateTransaction(this.db, () => {
      if (request.commitId !== undefined) {
        const previous = this.statements.findCommit.get(request.commitId);
        if (previous !== undefined) {
          return {
            nextExpectedVersion: numberColumn(previous, 'next_version'),
            position: numberColumn(previous, 'last_position'),
            written: false,
          };
        }
      }

      const current = numberColumn(this.statements.streamVersion.get(streamId), 'v');
      if (!satisfies(request.expectedVersion, current)) {
        throw new ConcurrencyError(streamId, request.expectedVersion, current);
      }

      const commitId = request.commitId ?? randomUUID();
      const metadataJson = JSON.stringify(request.metadata);
      const metadata = JSON.parse(metadataJson) as EventMetadata;
      const occurredAt = request.occurredAt.toISOString();
      // Read under the write lock, so the previous hash is the one of position - 1, whoever wrote it.
      const head = this.statements.head.get();
      let position = head === undefined ? 0 : numberColumn(head, 'position');
      // Rows from before the chain have no hash: the chain starts here, from the zeros.
      let prevHash = typeof head?.['hash'] === 'string' ? head['hash'] : GENESIS_HASH;
      let streamVersion = current;
      for (const event of events) {
        position += 1;
        streamVersion += 1;
        const dataJson = JSON.stringify(event.data);
        const version = event.version ?? 1;
        const hash = chainHash(prevHash, {
          type: event.type,
          version,
          streamId,
          streamVersion,
          position,
          occurredAt: request.occurredAt,
          data: JSON.parse(dataJson) as EventData,
          metadata,
        });
        this.statements.insertEvent.run(
          position,
          streamId,
          streamVersion,
          event.type,
          version,
          dataJson,
          metadataJson,
          occurredAt,
          commitId,
          hash,
          prevHash,
        );
        prevHash = hash;
      }
      this.statements.insertCommit.run(commitId, streamId, position, streamVersion);
      return { nextExpectedVersion: streamVersion, position, written: true };
    });
  }

  private run<T>(operation: () => T): Promise<T> {
    return asPromise('event store', operation);
  }
}

function toStoredEvent(row: Row): StoredEvent {
  return {
    type: stringColumn(row, 'type'),
    version: numberColumn(row, 'version'),
    streamId: stringColumn(row, 'stream_id'),
    streamVersion: numberColumn(row, 'stream_version'),
    position: numberColumn(row, 'position'),
    occurredAt: new Date(stringColumn(row, 'occurred_at')),
    data: JSON.parse(stringColumn(row, 'data')) as EventData,
    metadata: JSON.parse(stringColumn(row, 'metadata')) as EventMetadata,
    hash: nullableText(row, 'hash'),
    prevHash: nullableText(row, 'prev_hash'),
  };
}

/** A file created before the hash chain gains its columns; its old rows keep NULL. */
function addChainColumns(db: DatabaseSync): void {
  // Under the write lock: two processes opening an old file at once must not both add a column.
  immediateTransaction(db, () => {
    const columns = new Set(
      db
        .prepare('PRAGMA table_info(events)')
        .all()
        .map((row) => String(row['name'])),
    );
    for (const column of ['hash', 'prev_hash']) {
      if (!columns.has(column)) db.exec(`ALTER TABLE events ADD COLUMN ${column} TEXT`);
    }
  });
}

function nullableText(row: Row, column: string): string | null {
  const value = row[column];
  return typeof value === 'string' ? value : null;
}

function numberColumn(row: Row | undefined, column: string): number {
  const value = row?.[column];
  if (typeof value !== 'number') throw new TypeError(`Column ${column} is not a number.`);
  return value;
}

function stringColumn(row: Row, column: string): string {
  const value = row[column];
  if (typeof value !== 'string') throw new TypeError(`Column ${column} is not text.`);
  return value;
}
