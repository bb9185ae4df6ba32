import { randomUUID } from 'node:crypto';
import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { AsyncLock } from '../../application/concurrency/async-lock.js';
import { PRIVATE_FILE_MODE } from '../system/private-files.js';
import type { SigningKeyRepository, StoredSigningKey } from './signing-key-repository.js';

/**
 * An addition reads the file and writes it whole, so additions in this process take turns per
 * file (whichever repository object they come through): concurrent ones would each write the list
 * they read and lose the other's key. Another process adding at the same moment (the CLI's
 * `rotate-keys` beside a first start) still can: the embedded mode is one process.
 */
const writers = new Map<string, AsyncLock>();

/** Embedded mode: keys live in DATA_DIR/signing-keys.json, readable by the service's user only. */
export class FileSigningKeyRepository implements SigningKeyRepository {
  private readonly file: string;
  private readonly lock: AsyncLock;

  constructor(dataDir: string) {
    this.file = path.resolve(dataDir, 'signing-keys.json');
    this.lock = writers.get(this.file) ?? new AsyncLock();
    writers.set(this.file, this.lock);
  }

  async list(): Promise<StoredSigningKey[]> {
    try {
      const text = await readFile(this.file, 'utf8');
      // A key file copied in or written by an older version may be world-readable: tighten it.
      await chmod(this.file, PRIVATE_FILE_MODE);
      return JSON.parse(text) as StoredSigningKey[];
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
  }

  add(key: StoredSigningKey): Promise<void> {
    return this.lock.run(async () => {
      const keys = [...(await this.list()), key];
      await mkdir(path.dirname(this.file), { recursive: true, mode: 0o700 });
      // Its own name, so no other writer renames it half-written.
      const temporary = `${this.file}.${randomUUID()}.tmp`;
      try {
        await writeFile(temporary, JSON.stringify(keys, null, 2), { mode: 0o600 });
        await chmod(temporary, PRIVATE_FILE_MODE);
        await rename(temporary, this.file);
      } finally {
        await rm(temporary, { force: true });
      }
    });
  }
}
