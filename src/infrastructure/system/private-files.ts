import { chmodSync, closeSync, openSync } from 'node:fs';

/** Owner read and write only: the log and the keys hold password hashes and signing secrets. */
export const PRIVATE_FILE_MODE = 0o600;

/**
 * Creates `file` with mode 0600 if it is missing, and tightens it to 0600 if it exists with a
 * looser mode (a file copied in, or written under an old umask). Opening with a mode only
 * applies on creation, so the chmod is what fixes an existing file.
 */
export function ensurePrivateFile(file: string): void {
  closeSync(openSync(file, 'a', PRIVATE_FILE_MODE));
  chmodSync(file, PRIVATE_FILE_MODE);
}

/** Tightens `file` to 0600 when it exists; a missing file is fine (SQLite makes -shm lazily). */
export function restrictIfExists(file: string): void {
  try {
    chmodSync(file, PRIVATE_FILE_MODE);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
