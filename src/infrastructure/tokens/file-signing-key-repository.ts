import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { SigningKeyRepository, StoredSigningKey } from './signing-key-repository.js';

/** Embedded mode: keys live in DATA_DIR/signing-keys.json, readable by the service's user only. */
export class FileSigningKeyRepository implements SigningKeyRepository {
  private readonly file: string;

  constructor(dataDir: string) {
    this.file = path.join(dataDir, 'signing-keys.json');
  }

  async list(): Promise<StoredSigningKey[]> {
    try {
      return JSON.parse(await readFile(this.file, 'utf8')) as StoredSigningKey[];
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
  }

  async add(key: StoredSigningKey): Promise<void> {
    const keys = [...(await this.list()), key];
    await mkdir(path.dirname(this.file), { recursive: true });
    const temporary = `${this.file}.${process.pid}.tmp`;
    await writeFile(temporary, JSON.stringify(keys, null, 2), { mode: 0o600 });
    await rename(temporary, this.file);
  }
}
