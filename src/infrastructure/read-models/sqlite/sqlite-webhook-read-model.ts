import type { Page, PageRequest } from '../../../application/pagination.js';
import type { WebhookReadModel, WebhookView } from '../../../application/ports/webhook-read-model.port.js';
import { SqliteProjectionStore } from './sqlite-projection-store.js';
import type { SqliteReadModelDatabase } from './sqlite-read-model-database.js';

export const WEBHOOKS_TABLE = 'rm_webhooks';

/**
 * Subscriptions for the embedded mode, kept in DATA_DIR/read-models.sqlite with the others, so a
 * start resumes the webhooks projection from its checkpoint instead of replaying the whole log.
 */
export class SqliteWebhookReadModel extends SqliteProjectionStore<WebhookView> implements WebhookReadModel {
  constructor(db: SqliteReadModelDatabase) {
    super(db, {
      table: WEBHOOKS_TABLE,
      name: 'webhooks',
      copied: { status: 'TEXT' },
      indexes: ['status, seq'],
    });
  }

  list(page: PageRequest): Promise<Page<WebhookView>> {
    return this.db.async(() => this.page({ conditions: ["status <> 'deleted'"], params: [] }, page, -1));
  }

  active(): Promise<readonly WebhookView[]> {
    return this.db.async(() =>
      this.db
        .all(`SELECT doc FROM ${this.table} WHERE status = 'active' ORDER BY seq`)
        .map((row) => this.parse(row)),
    );
  }
}
