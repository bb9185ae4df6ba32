/**
 * The embedded mode's read-model file (DATA_DIR/read-models.sqlite), apart from the event log so a
 * rebuild or a lost read-model file never touches the log, and so the log's write lock is not
 * shared with the projection runner's batches. One connection serves every read model of the
 * process; `DatabaseSync` is synchronous, so a batch never yields half-way.
 */
import type { DatabaseSync, SQLInputValue, SQLOutputValue, StatementSync } from 'node:sqlite';
import { asPromise, immediateTransaction, openPrivateSqlite } from '../../system/private-sqlite.js';

export type Row = Record<string, SQLOutputValue>;
export type Param = SQLInputValue;

export interface SqliteReadModelDatabaseOptions {
  /** Path of the database file (its directory is created if missing), or ':memory:'. */
  readonly file: string;
  /** How long to wait for another process's write lock (an operator CLI). Default 5000 ms. */
  readonly busyTimeoutMs?: number;
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS checkpoints (
    name     TEXT    PRIMARY KEY,
    position INTEGER NOT NULL
  ) STRICT, WITHOUT ROWID;
`;

export class SqliteReadModelDatabase {
  private readonly db: DatabaseSync;
  private readonly statements = new Map<string, StatementSync>();

  constructor(options: SqliteReadModelDatabaseOptions) {
    // The read models hold emails, names and addresses: 0600 like the log. A lost tail after an
    // OS crash is replayed from the checkpoint.
    this.db = openPrivateSqlite(options.file, options.busyTimeoutMs);
    // An erasure overwrites personal data in place: freed space is zeroed, not left readable.
    this.db.exec('PRAGMA secure_delete = ON');
    this.db.exec(SCHEMA);
  }

  /** Runs DDL once (CREATE … IF NOT EXISTS), under the write lock so two processes do not race. */
  migrate(sql: string): void {
    this.transaction(() => this.db.exec(sql));
  }

  /** Prepared once per SQL text: queries with optional filters have few distinct shapes. */
  statement(sql: string): StatementSync {
    let statement = this.statements.get(sql);
    if (statement === undefined) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  all(sql: string, ...params: Param[]): Row[] {
    return this.statement(sql).all(...params);
  }

  get(sql: string, ...params: Param[]): Row | undefined {
    return this.statement(sql).get(...params);
  }

  run(sql: string, ...params: Param[]): void {
    this.statement(sql).run(...params);
  }

  /** All or nothing, with the write lock taken up front (an operator CLI may write too). */
  transaction(work: () => void): void {
    immediateTransaction(this.db, work);
  }

  /** Behind the ports' promises; on a busy lock the runner retries with backoff. */
  async<T>(operation: () => T): Promise<T> {
    return asPromise('read-model store', operation);
  }

  close(): void {
    this.statements.clear();
    if (this.db.isOpen) this.db.close();
  }
}

export function textColumn(row: Row, column: string): string {
  const value = row[column];
  if (typeof value !== 'string') throw new TypeError(`Column ${column} is not text.`);
  return value;
}

export function integerColumn(row: Row, column: string): number {
  const value = row[column];
  if (typeof value !== 'number') throw new TypeError(`Column ${column} is not a number.`);
  return value;
}
