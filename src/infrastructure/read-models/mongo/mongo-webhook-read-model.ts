import type { Db } from 'mongodb';
import type { Page, PageRequest } from '../../../application/pagination.js';
import type { WebhookReadModel, WebhookView } from '../../../application/ports/webhook-read-model.port.js';
import { MongoProjectionStore } from './mongo-projection-store.js';

export const WEBHOOKS_COLLECTION = 'rm_webhooks';

/** Subscriptions shared by every instance in the MongoDB mode. Call `init()` once before use. */
export class MongoWebhookReadModel extends MongoProjectionStore<WebhookView> implements WebhookReadModel {
  constructor(db: Db) {
    super(db, {
      collection: WEBHOOKS_COLLECTION,
      name: 'webhooks',
      indexes: [{ key: { status: 1, seq: -1 }, name: 'status_seq' }],
    });
  }

  list(page: PageRequest): Promise<Page<WebhookView>> {
    return this.page({ status: { $ne: 'deleted' } }, page, -1);
  }

  async active(): Promise<readonly WebhookView[]> {
    const records = await this.collection.find({ status: 'active' }).sort({ seq: 1 }).toArray();
    return records.map((record) => this.fromRecord(record));
  }
}
