import type {
  LoginAttemptFilter,
  LoginAttemptReadModel,
  LoginAttemptView,
} from '../../../application/ports/login-attempt-read-model.port.js';
import type { Page, PageRequest } from '../../../application/pagination.js';
import type { Param } from './sqlite-read-model-database.js';
import { SqliteProjectionStore, type Where } from './sqlite-projection-store.js';
import type { SqliteReadModelDatabase } from './sqlite-read-model-database.js';

export const LOGIN_ATTEMPTS_TABLE = 'rm_login_attempts';
const STREAM_BATCH_SIZE = 500;

/** Dates compare as the ISO strings the documents store, which order like the instants. */
function toWhere(filter: LoginAttemptFilter): Where {
  const conditions: string[] = [];
  const params: Param[] = [];
  const equal = (column: string, value: string | undefined): void => {
    if (value === undefined) return;
    conditions.push(`${column} = ?`);
    params.push(value);
  };
  equal('user_id', filter.userId);
  equal('identifier', filter.identifier);
  equal('outcome', filter.outcome);
  equal('ip', filter.ip);
  if (filter.from !== undefined) {
    conditions.push('occurred_at >= ?');
    params.push(filter.from.toISOString());
  }
  if (filter.to !== undefined) {
    conditions.push('occurred_at < ?');
    params.push(filter.to.toISOString());
  }
  return { conditions, params };
}

/** The login trail for the embedded mode, kept in DATA_DIR/read-models.sqlite. */
export class SqliteLoginAttemptReadModel
  extends SqliteProjectionStore<LoginAttemptView>
  implements LoginAttemptReadModel
{
  constructor(db: SqliteReadModelDatabase) {
    super(db, {
      table: LOGIN_ATTEMPTS_TABLE,
      name: 'login-attempts',
      copied: { userId: 'TEXT', identifier: 'TEXT', outcome: 'TEXT', ip: 'TEXT', occurredAt: 'TEXT' },
      indexes: ['seq', 'user_id, seq', 'identifier, seq', 'ip, seq', 'outcome, seq'],
    });
  }

  query(filter: LoginAttemptFilter, page: PageRequest): Promise<Page<LoginAttemptView>> {
    return this.db.async(() => this.page(toWhere(filter), page, -1));
  }

  /**
   * Pages through the match with a seq cursor, so memory stays constant however long the trail
   * is and no SQLite statement stays open between the consumer's reads.
   */
  async *stream(filter: LoginAttemptFilter): AsyncIterable<LoginAttemptView> {
    let after: number | undefined;
    for (;;) {
      const page = await this.query(filter, { limit: STREAM_BATCH_SIZE, after });
      yield* page.items;
      if (page.nextAfter === null) return;
      after = page.nextAfter;
    }
  }
}
