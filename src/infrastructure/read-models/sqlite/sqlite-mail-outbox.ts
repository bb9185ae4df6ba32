import type { MailOutbox, MailQueueSummary, MailView } from '../../../application/ports/mail-outbox.port.js';
import { SqliteProjectionStore } from './sqlite-projection-store.js';
import { integerColumn, type SqliteReadModelDatabase } from './sqlite-read-model-database.js';

export const MAIL_OUTBOX_TABLE = 'rm_mail_outbox';

/** The embedded mode's outbox, in DATA_DIR/read-models.sqlite with the other read models. */
export class SqliteMailOutbox extends SqliteProjectionStore<MailView> implements MailOutbox {
  constructor(db: SqliteReadModelDatabase) {
    super(db, {
      table: MAIL_OUTBOX_TABLE,
      name: 'mail-outbox',
      copied: { status: 'TEXT', nextAttemptAt: 'TEXT', attempts: 'INTEGER' },
      indexes: ['status, next_attempt_at'],
    });
  }

  due(now: Date, limit: number): Promise<readonly MailView[]> {
    return this.db.async(() =>
      this.db
        .all(
          `SELECT doc FROM ${this.table} WHERE status = 'pending' AND next_attempt_at <= ?
           ORDER BY next_attempt_at, seq LIMIT ?`,
          now.toISOString(),
          limit,
        )
        .map((row) => this.parse(row)),
    );
  }

  pending(limit: number): Promise<readonly MailView[]> {
    return this.db.async(() =>
      this.db
        .all(`SELECT doc FROM ${this.table} WHERE status = 'pending' ORDER BY seq LIMIT ?`, limit)
        .map((row) => this.parse(row)),
    );
  }

  summary(): Promise<MailQueueSummary> {
    return this.db.async(() => {
      const count = (where: string): number =>
        integerColumn(this.db.get(`SELECT COUNT(*) AS n FROM ${this.table} WHERE ${where}`) ?? { n: 0 }, 'n');
      const [oldest] = this.db
        .all(`SELECT doc FROM ${this.table} WHERE status = 'pending' ORDER BY seq LIMIT 1`)
        .map((row) => this.parse(row));
      return {
        pending: count("status = 'pending'"),
        failing: count("status = 'pending' AND attempts > 0"),
        sent: count("status = 'sent'"),
        expired: count("status = 'expired'"),
        oldestPendingAt: oldest?.createdAt ?? null,
      };
    });
  }
}
