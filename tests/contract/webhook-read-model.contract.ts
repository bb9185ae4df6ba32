import { describe, expect, it } from 'vitest';
import type { WebhookReadModel, WebhookView } from '../../src/application/ports/webhook-read-model.port.js';

export const webhookView = (seq: number, overrides: Partial<WebhookView> = {}): WebhookView => ({
  id: `subscription-${seq}`,
  url: `https://hooks.example.com/${seq}`,
  eventTypes: ['LoggedIn', 'LoginFailed'],
  status: 'active',
  createdAt: '2026-01-01T00:00:00.000Z',
  createdBy: 'admin-1',
  cursor: seq,
  failures: 0,
  nextAttemptAt: null,
  disabledReason: null,
  seq,
  ...overrides,
});

const saveAll = (model: WebhookReadModel, views: readonly WebhookView[], position?: number) =>
  model.save(views.map((doc) => ({ id: doc.id, doc, position: position ?? doc.seq })));

const ids = (views: readonly WebhookView[]): string[] => views.map((view) => view.id);

/** The admin list and the sender's work list, on every adapter. */
export function describeWebhookReadModelContract(
  label: string,
  create: () => Promise<WebhookReadModel>,
): void {
  describe(`${label}: WebhookReadModel contract`, () => {
    it('lists every subscription but the deleted ones, newest first, in pages', async () => {
      const model = await create();
      await saveAll(model, [
        webhookView(1),
        webhookView(2, { status: 'deleted' }),
        webhookView(3, { status: 'disabled', disabledReason: 'failing' }),
        webhookView(4),
        webhookView(5),
      ]);
      const first = await model.list({ limit: 2 });
      expect(ids(first.items)).toEqual(['subscription-5', 'subscription-4']);
      expect(first.nextAfter).toBe(4);
      const second = await model.list({ limit: 2, after: 4 });
      expect(ids(second.items)).toEqual(['subscription-3', 'subscription-1']);
      expect(second.nextAfter).toBeNull();
      expect(second.items[0]).toEqual(webhookView(3, { status: 'disabled', disabledReason: 'failing' }));
      expect(await model.list({ limit: 10, after: 1 })).toEqual({ items: [], nextAfter: null });
    });

    it('gives the sender every active subscription, oldest first, and follows status changes', async () => {
      const model = await create();
      expect(await model.active()).toEqual([]);
      await saveAll(model, [
        webhookView(12),
        webhookView(10),
        webhookView(11, { status: 'disabled', disabledReason: 'failing' }),
        webhookView(13, { status: 'deleted' }),
      ]);
      expect(ids(await model.active())).toEqual(['subscription-10', 'subscription-12']);
      // A later event disables one and delivers on the other: the list follows the documents.
      await saveAll(model, [webhookView(10, { status: 'disabled', disabledReason: 'failing' })], 20);
      await saveAll(model, [webhookView(12, { cursor: 19 })], 21);
      expect(await model.active()).toEqual([webhookView(12, { cursor: 19 })]);
    });
  });
}
