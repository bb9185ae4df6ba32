import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../../src/application/ports/event-store.port.js';
import { mailOutboxProjection } from '../../../src/application/projections/mail-outbox.projection.js';
import { renderMail } from '../../../src/application/mail/mail-templates.js';

const AT = new Date('2026-01-01T00:00:00Z');
const stored = (type: string, data: Record<string, unknown>, position: number): StoredEvent => ({
  type,
  data,
  position,
  streamId: 'user-u-1',
  streamVersion: position,
  version: 1,
  occurredAt: AT,
  metadata: {},
  hash: null,
  prevHash: null,
});

const apply = (events: StoredEvent[]) => {
  const docs = new Map<string, ReturnType<typeof mailOutboxProjection.evolve>>();
  for (const event of events) {
    const id = mailOutboxProjection.documentId(event);
    if (id === null) continue;
    docs.set(id, mailOutboxProjection.evolve(docs.get(id) ?? null, event));
  }
  return docs;
};

describe('mail outbox projection', () => {
  it('a reset request becomes a pending message keyed by its position; MailSent drops the sealed token', () => {
    const requested = stored(
      'PasswordResetRequested',
      {
        userId: 'u-1',
        email: 'a@example.com',
        requestId: 'r',
        tokenDigest: 'd',
        sealedToken: 's',
        expiresAt: 'x',
      },
      7,
    );
    expect(apply([requested]).get('7')).toMatchObject({
      kind: 'password-reset',
      to: 'a@example.com',
      sealedToken: 's',
      status: 'pending',
    });
    const failed = stored(
      'MailFailed',
      {
        messageId: '7',
        kind: 'password-reset',
        attempt: 1,
        error: 'down',
        nextAttemptAt: '2026-01-01T00:00:05.000Z',
      },
      8,
    );
    expect(apply([requested, failed]).get('7')).toMatchObject({
      attempts: 1,
      lastError: 'down',
      nextAttemptAt: '2026-01-01T00:00:05.000Z',
    });
    const sent = stored(
      'MailSent',
      { messageId: '7', kind: 'password-reset', attempts: 2, rfcMessageId: '<m>' },
      9,
    );
    expect(apply([requested, failed, sent]).get('7')).toMatchObject({ status: 'sent', sealedToken: null });
    const expired = stored(
      'MailExpired',
      { messageId: '7', kind: 'password-reset', reason: 'token-expired' },
      10,
    );
    expect(apply([requested, failed, expired]).get('7')).toMatchObject({
      status: 'expired',
      sealedToken: null,
    });
    // A late failure record after the send changes nothing.
    expect(apply([requested, sent, failed]).get('7')).toMatchObject({ status: 'sent', attempts: 0 });
  });

  it('notices: the email change goes to the old address; only account-wide locks are mailed', () => {
    const docs = apply([
      stored(
        'UserEmailChanged',
        { userId: 'u-1', previousEmail: 'old@example.com', email: 'new@example.com' },
        3,
      ),
      stored(
        'AccountLocked',
        { userId: 'u-1', identifier: 'x', ip: null, failures: 5, lockedUntil: 'y', scope: 'address' },
        4,
      ),
      stored(
        'AccountLocked',
        { userId: 'u-1', identifier: 'x', ip: null, failures: 20, lockedUntil: 'y', scope: 'account' },
        5,
      ),
      stored(
        'AccountLocked',
        { userId: null, identifier: 'x', ip: null, failures: 20, lockedUntil: 'y', scope: 'account' },
        6,
      ),
      stored('MfaEnabled', { userId: 'u-1', recoveryCodeDigests: [], step: 1 }, 7),
    ]);
    expect([...docs.keys()]).toEqual(['3', '5', '7']);
    expect(docs.get('3')).toMatchObject({ kind: 'email-changed', to: 'old@example.com' });
    expect(docs.get('5')).toMatchObject({ kind: 'account-locked', to: null });
  });

  it('a disabled webhook is one notice to the administrators (no user), with what happened', () => {
    const data = {
      subscriptionId: 'wh-1',
      reason: 'HTTP 503 for 3 days',
      failingSince: '2025-12-29T00:00:00Z',
    };
    const docs = apply([stored('WebhookDisabled', data, 9)]);
    expect(docs.get('9')).toMatchObject({
      kind: 'webhook-disabled',
      userId: null,
      to: null,
      sealedToken: null,
      status: 'pending',
      details: data,
    });
  });
});

describe('mail templates', () => {
  it('the token on a line of its own, in the link, escaped in HTML; no images or tracking', () => {
    const mail = renderMail('password-reset', {
      productName: 'Acme <ID>',
      publicUrl: 'https://app.test/',
      email: 'a@example.com',
      token: 'u.tok',
      expiresAt: '2026-01-01T00:30:00.000Z',
    });
    expect(mail.subject).toBe('Reset your Acme <ID> password');
    expect(mail.text).toMatch(/^Token: u\.tok$/m);
    expect(mail.text).toContain('https://app.test/reset-password?token=u.tok');
    expect(mail.html).toContain('Acme &#60;ID&#62;');
    expect(mail.html).not.toMatch(/<img|utm_|pixel/i);
  });

  it('a notice shows its details, escaped in HTML, and leaves unknown placeholders and values unexpanded', () => {
    const mail = renderMail('webhook-disabled', {
      productName: 'Acme',
      publicUrl: 'https://app.test/',
      email: 'root@example.com, ops@example.com',
      token: null,
      expiresAt: null,
      details: { subscriptionId: 'wh-1', reason: '<b>HTTP 503</b> {email}', failingSince: '2026-01-01' },
    });
    expect(mail.subject).toBe('A Acme webhook subscription was disabled');
    expect(mail.text).toContain(
      'subscription wh-1 failed every delivery since 2026-01-01 and was disabled: <b>HTTP 503</b> {email}.',
    );
    expect(mail.html).toContain('&#60;b&#62;HTTP 503&#60;/b&#62;');
    expect(mail.text).not.toMatch(/Token:/);
  });
});
