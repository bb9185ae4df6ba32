import type { DatabaseSync, SQLOutputValue, StatementSync } from 'node:sqlite';
import type { DataKeyStore, StoredDataKey } from '../../application/ports/data-key-store.port.js';
import { openPrivateSqlite } from '../system/private-sqlite.js';

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS data_keys (
    key_id       TEXT PRIMARY KEY,
    -- Sealed under the master key; NULL once destroyed (the row stays as a tombstone).
    wrapped      TEXT,
    created_at   TEXT NOT NULL,
    destroyed_at TEXT
  ) STRICT, WITHOUT ROWID;
`;

type Row = Record<string, SQLOutputValue>;

const keyOf = (row: Row): StoredDataKey => ({
  keyId: String(row['key_id']),
  wrapped: row['wrapped'] === null ? null : String(row['wrapped']),
  createdAt: new Date(String(row['created_at'])),
  destroyedAt: row['destroyed_at'] === null ? null : new Date(String(row['destroyed_at'])),
});

/**
 * The embedded key store: a SQLite file of its own in DATA_DIR (not the event log's file, so a
 * copy of the log carries no keys). `secure_delete` overwrites destroyed key material on disk
 * instead of leaving it in free pages, and a destroy checkpoints the WAL at once.
 */
export class SqliteDataKeyStore implements DataKeyStore {
  private readonly db: DatabaseSync;
  private readonly statements: {
    readonly get: StatementSync;
    readonly insert: StatementSync;
    readonly destroy: StatementSync;
    readonly tombstone: StatementSync;
  };

  constructor(options: { readonly file: string; readonly busyTimeoutMs?: number }) {
    this.db = openPrivateSqlite(options.file, options.busyTimeoutMs);
    this.db.exec('PRAGMA secure_delete = ON');
    this.db.exec(SCHEMA);
    this.statements = {
      get: this.db.prepare('SELECT * FROM data_keys WHERE key_id = ?'),
      insert: this.db.prepare(
        'INSERT INTO data_keys (key_id, wrapped, created_at) VALUES (?, ?, ?) ON CONFLICT (key_id) DO NOTHING',
      ),
      destroy: this.db.prepare(
        'UPDATE data_keys SET wrapped = NULL, destroyed_at = ? WHERE key_id = ? AND wrapped IS NOT NULL',
      ),
      tombstone: this.db.prepare(
        'INSERT INTO data_keys (key_id, wrapped, created_at, destroyed_at) VALUES (?, NULL, ?, ?) ON CONFLICT (key_id) DO NOTHING',
      ),
    };
  }

  get(keyId: string): Promise<StoredDataKey | null> {
    const row = this.statements.get.get(keyId);
    return Promise.resolve(row === undefined ? null : keyOf(row));
  }

  createIfAbsent(keyId: string, wrapped: string, at: Date): Promise<StoredDataKey> {
    this.statements.insert.run(keyId, wrapped, at.toISOString());
    const row = this.statements.get.get(keyId);
    if (row === undefined) throw new Error(`data key ${keyId} vanished after its insert`);
    return Promise.resolve(keyOf(row));
  }

  destroy(keyId: string, at: Date): Promise<boolean> {
    const iso = at.toISOString();
    const destroyed = Number(this.statements.destroy.run(iso, keyId).changes) > 0;
    if (!destroyed) this.statements.tombstone.run(keyId, iso, iso);
    // The WAL still holds the page with the key until a checkpoint copies the new one over it.
    this.db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    return Promise.resolve(destroyed);
  }

  close(): Promise<void> {
    if (this.db.isOpen) this.db.close();
    return Promise.resolve();
  }
}
