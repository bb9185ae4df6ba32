import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../../../src/application/ports/event-store.port.js';
import { useCaseHarness, type UseCaseHarness } from '../../../support/use-case-harness.js';

let h: UseCaseHarness;
beforeAll(async () => {
  h = await useCaseHarness();
});
afterAll(() => h.close());

const mailEvents = async (): Promise<StoredEvent[]> => {
  const events: StoredEvent[] = [];
  for (let after = 0; ;) {
    const page = await h.store.readAll(after, 500);
    if (page.length === 0) return events.filter((e) => e.type.startsWith('Mail'));
    events.push(...page);
    after = page.at(-1)?.position ?? after;
  }
};

describe('the mail sender and an old log (the first start after an upgrade)', () => {
  it('mails no history: a year-old notice and a dead token are closed as MailExpired, not sent', async () => {
    const userId = '1b2c3d4e-5f60-4718-8a9b-0c1d2e3f4a5b';
    const yearAgo = new Date(Date.now() - 365 * 86_400_000);
    await h.given(
      `user-${userId}`,
      [
        {
          type: 'UserRegistered',
          data: {
            userId,
            email: 'old@example.com',
            username: null,
            fullName: null,
            passwordHash: 'h',
            role: 'user',
          },
        },
        { type: 'PasswordChanged', data: { userId, passwordHash: 'h2' } },
        {
          type: 'PasswordResetRequested',
          data: {
            userId,
            email: 'old@example.com',
            requestId: 'r',
            tokenDigest: 'd',
            sealedToken: 'not-even-sealed',
            expiresAt: new Date(yearAgo.getTime() + 1800_000).toISOString(),
          },
        },
      ],
      yearAgo,
    );
    let closed: StoredEvent[] = [];
    for (let i = 0; i < 100 && closed.length < 2; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      closed = await mailEvents();
    }
    expect(closed.map((e) => e.type)).toEqual(['MailExpired', 'MailExpired']);
    expect(closed.map((e) => e.data['reason']).sort()).toEqual(['token-expired', 'too-old']);
  });
});
