import { describe, expect, it } from 'vitest';
import type { MailOutbox, MailView } from '../../src/application/ports/mail-outbox.port.js';

export const mailView = (seq: number, overrides: Partial<MailView> = {}): MailView => ({
  id: String(seq),
  kind: 'password-reset',
  userId: '5b0c2f0e-1d51-4a8e-9d38-6f6c1b1f2a10',
  to: 'alice@example.com',
  sealedToken: 'sealed',
  expiresAt: '2026-01-01T00:30:00.000Z',
  status: 'pending',
  attempts: 0,
  nextAttemptAt: `2026-01-01T00:00:${String(seq % 60).padStart(2, '0')}.000Z`,
  lastError: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  sentAt: null,
  seq,
  ...overrides,
});

/** The queries the mail sender and `mail-status` rely on, on every adapter. */
export function describeMailOutboxContract(label: string, create: () => Promise<MailOutbox>): void {
  const save = (store: MailOutbox, views: MailView[]) =>
    store.save(views.map((doc) => ({ id: doc.id, doc, position: doc.seq })));

  describe(`${label}: MailOutbox contract`, () => {
    it('due: pending messages whose next attempt has come, earliest first, at most `limit`', async () => {
      const store = await create();
      await save(store, [
        mailView(3, { nextAttemptAt: '2026-01-01T00:00:05.000Z' }),
        mailView(1, { nextAttemptAt: '2026-01-01T00:00:01.000Z' }),
        mailView(2, { status: 'sent', sealedToken: null, sentAt: '2026-01-01T00:00:02.000Z' }),
        mailView(4, { nextAttemptAt: '2026-01-01T01:00:00.000Z', attempts: 2, lastError: 'refused' }),
      ]);
      const at = new Date('2026-01-01T00:00:10.000Z');
      expect((await store.due(at, 10)).map((m) => m.id)).toEqual(['1', '3']);
      expect((await store.due(at, 1)).map((m) => m.id)).toEqual(['1']);
      expect((await store.due(new Date('2026-01-01T02:00:00.000Z'), 10)).map((m) => m.id)).toEqual([
        '1',
        '3',
        '4',
      ]);
    });

    it('pending and summary: counts by state, oldest pending first', async () => {
      const store = await create();
      expect(await store.summary()).toEqual({
        pending: 0,
        failing: 0,
        sent: 0,
        expired: 0,
        oldestPendingAt: null,
      });
      await save(store, [
        mailView(7, { createdAt: '2026-01-01T00:00:07.000Z', attempts: 1 }),
        mailView(5, { createdAt: '2026-01-01T00:00:05.000Z' }),
        mailView(6, { status: 'sent' }),
        mailView(8, { status: 'expired', sealedToken: null }),
      ]);
      expect((await store.pending(10)).map((m) => m.id)).toEqual(['5', '7']);
      expect(await store.summary()).toEqual({
        pending: 2,
        failing: 1,
        sent: 1,
        expired: 1,
        oldestPendingAt: '2026-01-01T00:00:05.000Z',
      });
    });
  });
}
