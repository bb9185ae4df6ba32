import type { Page, PageRequest } from '../../../application/pagination.js';
import type { SessionReadModel, SessionView } from '../../../application/ports/session-read-model.port.js';
import { SqliteProjectionStore } from './sqlite-projection-store.js';
import type { SqliteReadModelDatabase } from './sqlite-read-model-database.js';
import { textColumn } from './sqlite-read-model-database.js';

export const SESSIONS_TABLE = 'rm_sessions';

/** Sessions for the embedded mode, kept in DATA_DIR/read-models.sqlite. */
export class SqliteSessionReadModel extends SqliteProjectionStore<SessionView> implements SessionReadModel {
  constructor(db: SqliteReadModelDatabase) {
    super(db, {
      table: SESSIONS_TABLE,
      name: 'sessions',
      copied: { userId: 'TEXT', expiresAt: 'TEXT', revokedAt: 'TEXT' },
      indexes: ['user_id, seq', 'revoked_at'],
    });
  }

  byId(id: string): Promise<SessionView | null> {
    return this.byKey(id);
  }

  /** ISO instants order as text, so expiry is a string comparison, as in the other adapters. */
  activeOf(userId: string, now: Date, page: PageRequest): Promise<Page<SessionView>> {
    return this.db.async(() =>
      this.page(
        {
          conditions: ['user_id = ?', 'revoked_at IS NULL', 'expires_at > ?'],
          params: [userId, now.toISOString()],
        },
        page,
        -1,
      ),
    );
  }

  revokedSince(since: Date): Promise<readonly { readonly id: string; readonly revokedAt: string }[]> {
    return this.db.async(() =>
      this.db
        .all(`SELECT id, revoked_at FROM ${this.table} WHERE revoked_at >= ?`, since.toISOString())
        .map((row) => ({ id: textColumn(row, 'id'), revokedAt: textColumn(row, 'revoked_at') })),
    );
  }
}
