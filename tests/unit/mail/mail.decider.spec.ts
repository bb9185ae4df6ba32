import { describe, expect, it } from 'vitest';
import { mailDecider, type MailCommand } from '../../../src/domain/mail/mail.decider.js';
import type { MailEvent } from '../../../src/domain/mail/mail.events.js';
import { decisionOf } from '../../../src/domain/shared/decider.js';

const AT = new Date('2026-03-01T12:00:00.000Z');
const later = (ms: number): Date => new Date(AT.getTime() + ms);
const recorded = (event: MailEvent) => ({ ...event, occurredAt: AT });
const message = { messageId: '7', kind: 'password-reset' } as const;

/** Given events, when a command: the events decided. */
const decide = (given: readonly MailEvent[], command: MailCommand): MailEvent[] => {
  const state = given.map(recorded).reduce(mailDecider.evolve, mailDecider.initialState());
  return decisionOf(mailDecider.decide(command, state)).events;
};

const claim = (sender: string, now: Date): MailCommand => ({
  ...message,
  type: 'ClaimMail',
  sender,
  now,
  leaseMs: 60_000,
});
const claimed = (sender: string, until: Date): MailEvent => ({
  type: 'MailClaimed',
  data: { ...message, sender, until: until.toISOString() },
});
const fail = (sender: string, now: Date): MailCommand => ({
  ...message,
  type: 'RecordMailFailed',
  sender,
  now,
  error: 'refused',
  nextAttemptAt: later(5000),
});
const failed: MailEvent = {
  type: 'MailFailed',
  data: { ...message, attempt: 1, error: 'refused', nextAttemptAt: later(5000).toISOString() },
};
const sent: MailEvent = {
  type: 'MailSent',
  data: { ...message, attempts: 1, rfcMessageId: '<mail-7@example.com>' },
};
const expire = (sender: string, now: Date): MailCommand => ({
  ...message,
  type: 'RecordMailExpired',
  sender,
  now,
  reason: 'token-expired',
});

describe('mail decider: claims', () => {
  it('claims an unclaimed message for its sender until now + the lease', () => {
    expect(decide([], claim('a', AT))).toEqual([claimed('a', later(60_000))]);
  });

  it('decides nothing for another sender while the claim lasts, so it leaves the message alone', () => {
    expect(decide([claimed('a', later(60_000))], claim('b', later(59_999)))).toEqual([]);
  });

  it('claims again once the claim has run out (its sender died before recording anything)', () => {
    expect(decide([claimed('a', later(60_000))], claim('b', later(60_000)))).toEqual([
      claimed('b', later(120_000)),
    ]);
  });

  it("puts the retry off until the failure's next attempt, for every sender", () => {
    const given = [claimed('a', later(60_000)), failed];
    expect(decide(given, claim('a', later(4999)))).toEqual([]);
    expect(decide(given, claim('b', later(4999)))).toEqual([]);
    expect(decide(given, claim('b', later(5000)))).toEqual([claimed('b', later(65_000))]);
  });

  it('takes a failure or an expiry only from the holder: a stalled sender cannot release a claim it lost', () => {
    // a stalled past its claim; b took over.
    const given = [claimed('a', later(60_000)), claimed('b', later(130_000))];
    expect(decide(given, fail('a', later(80_000)))).toEqual([]);
    expect(decide(given, expire('a', later(80_000)))).toEqual([]);
    expect(decide(given, fail('b', later(80_000)))).toMatchObject([{ type: 'MailFailed' }]);
    // Nobody expires a message while it is being sent.
    expect(decide([claimed('a', later(60_000))], expire('c', later(1000)))).toEqual([]);
    expect(decide([], expire('c', AT))).toMatchObject([{ type: 'MailExpired' }]);
  });

  it('records a send from anyone (the mail went out), counting the failures before it, once', () => {
    const record: MailCommand = {
      ...message,
      type: 'RecordMailSent',
      sender: 'a',
      now: later(90_000),
      rfcMessageId: '<mail-7@example.com>',
    };
    expect(decide([claimed('a', later(60_000)), failed, claimed('b', later(65_000))], record)).toEqual([
      { ...sent, data: { ...sent.data, attempts: 2 } },
    ]);
    expect(decide([claimed('a', later(60_000)), sent], record)).toEqual([]);
  });

  it('never claims a message that was sent or expired', () => {
    expect(decide([claimed('a', later(60_000)), sent], claim('b', later(120_000)))).toEqual([]);
    const expired: MailEvent = { type: 'MailExpired', data: { ...message, reason: 'token-expired' } };
    expect(decide([expired], claim('a', AT))).toEqual([]);
  });
});
