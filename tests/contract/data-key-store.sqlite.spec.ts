import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqliteDataKeyStore } from '../../src/infrastructure/privacy/sqlite-data-key-store.js';
import { describeDataKeyStoreContract } from './data-key-store.contract.js';

describeDataKeyStoreContract('SqliteDataKeyStore (file, second instance on the same file)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'data-keys-'));
  const file = join(dir, 'keys.sqlite');
  return {
    store: new SqliteDataKeyStore({ file }),
    other: new SqliteDataKeyStore({ file }),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
});

describe('SqliteDataKeyStore on disk', () => {
  it('leaves no trace of destroyed key material in the file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'data-keys-'));
    const file = join(dir, 'keys.sqlite');
    const store = new SqliteDataKeyStore({ file });
    const secret = 'wrapped-key-material-'.repeat(4);
    await store.createIfAbsent('user:x', secret, new Date());
    await store.destroy('user:x', new Date());
    await store.close();
    const raw = await readFile(file);
    expect(raw.includes(Buffer.from('wrapped-key-material-'))).toBe(false);
    await rm(dir, { recursive: true, force: true });
  });
});
