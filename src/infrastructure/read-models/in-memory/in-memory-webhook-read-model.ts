import type { Page, PageRequest } from '../../../application/pagination.js';
import type { WebhookReadModel, WebhookView } from '../../../application/ports/webhook-read-model.port.js';
import { InMemoryProjectionStore } from './in-memory-projection-store.js';

/** Subscriptions in memory (the use-case tests): a handful of documents, so lists are plain scans. */
export class InMemoryWebhookReadModel
  extends InMemoryProjectionStore<WebhookView>
  implements WebhookReadModel
{
  list(page: PageRequest): Promise<Page<WebhookView>> {
    const shown = [...this.docs.values()]
      .map(({ doc }) => doc)
      .filter((doc) => doc.status !== 'deleted' && (page.after === undefined || doc.seq < page.after))
      .sort((a, b) => b.seq - a.seq);
    const items = shown.slice(0, page.limit);
    const last = items.at(-1);
    return Promise.resolve({
      items,
      nextAfter: shown.length > page.limit && last !== undefined ? last.seq : null,
    });
  }

  active(): Promise<readonly WebhookView[]> {
    return Promise.resolve(
      [...this.docs.values()]
        .map(({ doc }) => doc)
        .filter((doc) => doc.status === 'active')
        .sort((a, b) => a.seq - b.seq),
    );
  }
}
