import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PRIVATE_FILE_MODE } from '../system/private-files.js';
import type { SigningKeyRepository, StoredSigningKey } from './signing-key-repository.js';

/** Embedded mode: keys live in DATA_DIR/signing-keys.json, readable by the service's user only. */
export class FileSigningKeyRepository implements SigningKeyRepository {
  private readonly file: string;

  constructor(dataDir: string) {
    this.file = path.join(dataDir, 'signing-keys.json');
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

  async add(key: StoredSigningKey): Promise<void> {
    const keys = [...(await this.list()), key];
    await mkdir(path.dirname(this.file), { recursive: true, mode: 0o700 });
    const temporary = `${this.file}.${process.pid}.tmp`;
    await writeFile(temporary, JSON.stringify(keys, null, 2), { mode: 0o600 });
    // `mode` applies on creation only: a leftover temporary file from a crash keeps its old mode.
    await chmod(temporary, PRIVATE_FILE_MODE);
    await rename(temporary, this.file);
  }
}
