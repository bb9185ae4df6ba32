import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { StoreUnavailableError } from '../../application/ports/event-store.port.js';
import { ensurePrivateFile, restrictIfExists } from './private-files.js';

/**
 * Opens a SQLite file of DATA_DIR the way every one of ours is opened: 0600 (SQLite creates its
 * files under the umask, often 0644, and gives -wal/-shm the main file's mode), busy_timeout
 * first (switching to WAL may wait for another process), WAL, and synchronous NORMAL, which is
 * durable against application crashes in WAL mode: only an OS crash can lose the last commits,
 * never corrupt the file. `:memory:` is for tests.
 */
export function openPrivateSqlite(file: string, busyTimeoutMs = 5_000): DatabaseSync {
  const onDisk = file !== ':memory:';
  if (onDisk) {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    ensurePrivateFile(file);
  }
  const db = new DatabaseSync(file);
  db.exec(`PRAGMA busy_timeout = ${Math.trunc(busyTimeoutMs)}`);
  db.exec('PRAGMA journal_mode = WAL');
  if (onDisk) for (const suffix of ['-wal', '-shm']) restrictIfExists(`${file}${suffix}`);
  db.exec('PRAGMA synchronous = NORMAL');
  return db;
}

/** SQLite result codes that mean "another connection holds the lock", not "the data is wrong". */
const SQLITE_BUSY = 5;
const SQLITE_LOCKED = 6;

export function isBusyError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null || !('errcode' in error)) return false;
  const primary = Number(error.errcode) & 0xff;
  return primary === SQLITE_BUSY || primary === SQLITE_LOCKED;
}

/**
 * All or nothing, with the write lock taken up front (BEGIN IMMEDIATE): the reads that decide the
 * work are made under it, so another process (an operator CLI) cannot write in between.
 */
export function immediateTransaction<T>(db: DatabaseSync, work: () => T): T {
  db.exec('BEGIN IMMEDIATE');
  try {
    const result = work();
    db.exec('COMMIT');
    return result;
  } catch (error) {
    if (db.isTransaction) db.exec('ROLLBACK');
    throw error;
  }
}

/**
 * A synchronous operation behind a port's promise, so every failure is a rejection. A lock held
 * too long by another process is "try again later" (StoreUnavailableError), not a bug.
 */
export function asPromise<T>(store: string, operation: () => T): Promise<T> {
  try {
    return Promise.resolve(operation());
  } catch (error) {
    if (isBusyError(error)) {
      return Promise.reject(
        new StoreUnavailableError(`The SQLite ${store} is locked by another writer.`, { cause: error }),
      );
    }
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}
