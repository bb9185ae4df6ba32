import type { DatabaseSync, SQLOutputValue, StatementSync } from 'node:sqlite';
import type {
  DataKeyStore,
  LiveKeyFilter,
  StoredDataKey,
} from '../../application/ports/data-key-store.port.js';
import { openPrivateSqlite } from '../system/private-sqlite.js';

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS data_keys (
    key_id       TEXT PRIMARY KEY,
    -- Sealed under the master key; NULL once destroyed (the row stays as a tombstone).
    wrapped      TEXT,
    created_at   TEXT NOT NULL,
    destroyed_at TEXT
  ) STRICT, WITHOUT ROWID;
  -- The retention sweep's lookup: live period keys by their day (the id's last 10 characters).
  CREATE INDEX IF NOT EXISTS data_keys_live_periods ON data_keys (substr(key_id, -10))
    WHERE wrapped IS NOT NULL AND key_id GLOB '*period:*';
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
    readonly liveWithPrefix: StatementSync;
    readonly livePeriodsBefore: StatementSync;
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
      liveWithPrefix: this.db.prepare(
        'SELECT key_id FROM data_keys WHERE key_id >= ? AND key_id < ? || char(1114111) AND wrapped IS NOT NULL ORDER BY key_id',
      ),
      livePeriodsBefore: this.db.prepare(
        "SELECT key_id FROM data_keys WHERE wrapped IS NOT NULL AND key_id GLOB '*period:*' AND substr(key_id, -10) < ? ORDER BY key_id",
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

  async destroy(keyId: string, at: Date): Promise<boolean> {
    return (await this.destroyMany([keyId], at)) > 0;
  }

  destroyMany(keyIds: readonly string[], at: Date): Promise<number> {
    const iso = at.toISOString();
    let destroyed = 0;
    this.db.exec('BEGIN IMMEDIATE');
    try {
      for (const keyId of keyIds) {
        if (Number(this.statements.destroy.run(iso, keyId).changes) > 0) destroyed += 1;
        else this.statements.tombstone.run(keyId, iso, iso);
      }
      this.db.exec('COMMIT');
    } catch (error) {
      this.db.exec('ROLLBACK');
      throw error;
    }
    // The WAL still holds the page with the key until a checkpoint copies the new one over it.
    this.db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    return Promise.resolve(destroyed);
  }

  liveKeys(filter: LiveKeyFilter): Promise<string[]> {
    const rows =
      'prefix' in filter
        ? this.statements.liveWithPrefix.all(filter.prefix, filter.prefix)
        : this.statements.livePeriodsBefore.all(filter.periodBefore);
    return Promise.resolve(rows.map((row) => String(row['key_id'])));
  }

  close(): Promise<void> {
    if (this.db.isOpen) this.db.close();
    return Promise.resolve();
  }
}
