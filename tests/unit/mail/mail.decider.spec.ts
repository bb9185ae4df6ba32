import { describe, expect, it } from 'vitest';
import { mailDecider, type MailCommand } from '../../../src/domain/mail/mail.decider.js';
import type { MailEvent } from '../../../src/domain/mail/mail.events.js';
import { decisionOf } from '../../../src/domain/shared/decider.js';

const AT = new Date('2026-03-01T12:00:00.000Z');
const later = (ms: number): Date => new Date(AT.getTime() + ms);
const recorded = (event: MailEvent) => ({ ...event, occurredAt: AT });

/** Given events, when a command: the events decided. */
const decide = (given: readonly MailEvent[], command: MailCommand): MailEvent[] => {
  const state = given.map(recorded).reduce(mailDecider.evolve, mailDecider.initialState());
  return decisionOf(mailDecider.decide(command, state)).events;
};

const claim = (now: Date): MailCommand => ({
  type: 'ClaimMail',
  messageId: '7',
  kind: 'password-reset',
  now,
  leaseMs: 60_000,
});
const claimed = (until: Date): MailEvent => ({
  type: 'MailClaimed',
  data: { messageId: '7', kind: 'password-reset', until: until.toISOString() },
});
const sent: MailEvent = {
  type: 'MailSent',
  data: { messageId: '7', kind: 'password-reset', attempts: 1, rfcMessageId: '<mail-7@example.com>' },
};
const failed: MailEvent = {
  type: 'MailFailed',
  data: {
    messageId: '7',
    kind: 'password-reset',
    attempt: 1,
    error: 'refused',
    nextAttemptAt: later(5000).toISOString(),
  },
};

describe('mail decider: claims', () => {
  it('claims an unclaimed message until now + the lease', () => {
    expect(decide([], claim(AT))).toEqual([claimed(later(60_000))]);
  });

  it('decides nothing while another claim lasts, so a second sender leaves the message alone', () => {
    expect(decide([claimed(later(60_000))], claim(later(59_999)))).toEqual([]);
  });

  it('claims again once the claim has run out (its sender died before recording anything)', () => {
    expect(decide([claimed(later(60_000))], claim(later(60_000)))).toEqual([claimed(later(120_000))]);
  });

  it('a recorded failure releases the claim for the retry, by whichever sender', () => {
    expect(decide([claimed(later(60_000)), failed], claim(later(5000)))).toEqual([claimed(later(65_000))]);
  });

  it('never claims a message that was sent or expired', () => {
    expect(decide([claimed(later(60_000)), sent], claim(later(120_000)))).toEqual([]);
    const expired: MailEvent = {
      type: 'MailExpired',
      data: { messageId: '7', kind: 'password-reset', reason: 'token-expired' },
    };
    expect(decide([expired], claim(AT))).toEqual([]);
  });

  it('records the send of a claimed message, counting the failures before it', () => {
    const record: MailCommand = {
      type: 'RecordMailSent',
      messageId: '7',
      kind: 'password-reset',
      rfcMessageId: '<mail-7@example.com>',
    };
    expect(decide([claimed(later(60_000)), failed, claimed(later(65_000))], record)).toEqual([
      { ...sent, data: { ...sent.data, attempts: 2 } },
    ]);
    expect(decide([claimed(later(60_000)), sent], record)).toEqual([]);
  });
});
