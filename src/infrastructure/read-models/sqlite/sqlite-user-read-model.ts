import type { Page } from '../../../application/pagination.js';
import {
  ERASED_EMAIL,
  type UserReadModel,
  type UserSearch,
  type UserView,
} from '../../../application/ports/user-read-model.port.js';
import { SqliteProjectionStore, type Where } from './sqlite-projection-store.js';
import type { SqliteReadModelDatabase } from './sqlite-read-model-database.js';

export const USERS_TABLE = 'rm_users';

/**
 * `q` is a case-insensitive substring: the searched fields are stored lowercased by JavaScript
 * (SQLite's lower() knows only ASCII) and matched with instr(), so no input is pattern syntax.
 */
const lowered = (text: string | null): string | null => text?.toLowerCase() ?? null;

/** Users for the embedded mode, kept in DATA_DIR/read-models.sqlite. */
export class SqliteUserReadModel extends SqliteProjectionStore<UserView> implements UserReadModel {
  constructor(db: SqliteReadModelDatabase) {
    super(db, {
      table: USERS_TABLE,
      name: 'users',
      computed: [
        { name: 'email_lc', type: 'TEXT', value: (doc) => lowered(doc.email) },
        { name: 'username_lc', type: 'TEXT', value: (doc) => lowered(doc.username) },
        { name: 'full_name_lc', type: 'TEXT', value: (doc) => lowered(doc.fullName) },
      ],
      indexes: ['seq'],
      rememberedById: 10_000,
    });
  }

  byId(id: string): Promise<UserView | null> {
    return this.byKey(id);
  }

  search(query: UserSearch): Promise<Page<UserView>> {
    return this.db.async(() => {
      const needle = query.q === undefined || query.q === '' ? null : query.q.toLowerCase();
      // Erased accounts keep their row (counts, times) with ERASED_EMAIL, and are not listed.
      const conditions: string[] = ['email_lc <> ?'];
      const params: string[] = [ERASED_EMAIL];
      if (needle !== null) {
        conditions.push(
          '(instr(email_lc, ?) > 0 OR instr(username_lc, ?) > 0 OR instr(full_name_lc, ?) > 0)',
        );
        params.push(needle, needle, needle);
      }
      // Rare (notices to the administrators): read from the document, no column or index of its own.
      if (query.role !== undefined) {
        conditions.push("json_extract(doc, '$.role') = ?");
        params.push(query.role);
      }
      const where: Where = { conditions, params };
      return this.page(where, query, 1);
    });
  }
}
