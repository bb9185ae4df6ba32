import type { Decider } from '../shared/decider.js';
import type { Recorded } from '../shared/event.js';
import type { MailEvent, MailKind } from './mail.events.js';

export interface MailState {
  /** Sent or expired: closed either way. */
  readonly sent: boolean;
  readonly failures: number;
  /** Until when (epoch ms) a sender holds the message; a failure record releases it. */
  readonly claimedUntil: number | null;
}

export type MailCommand =
  | {
      readonly type: 'ClaimMail';
      readonly messageId: string;
      readonly kind: MailKind;
      readonly now: Date;
      readonly leaseMs: number;
    }
  | {
      readonly type: 'RecordMailSent';
      readonly messageId: string;
      readonly kind: MailKind;
      readonly rfcMessageId: string;
    }
  | {
      readonly type: 'RecordMailFailed';
      readonly messageId: string;
      readonly kind: MailKind;
      readonly error: string;
      readonly nextAttemptAt: Date;
    }
  | {
      readonly type: 'RecordMailExpired';
      readonly messageId: string;
      readonly kind: MailKind;
      readonly reason: 'token-expired' | 'too-old' | 'recipient-erased';
    };

const evolve = (state: MailState, event: Recorded<MailEvent>): MailState => {
  switch (event.type) {
    case 'MailClaimed':
      return { ...state, claimedUntil: Date.parse(event.data.until) };
    case 'MailFailed':
      return { ...state, failures: event.data.attempt, claimedUntil: null };
    default:
      return { ...state, sent: true };
  }
};

/**
 * A message acknowledged once stays acknowledged: later records of it change nothing. A claim is
 * taken only from nobody: a live claim of another sender (or of this one) decides nothing, which
 * tells the sender to leave the message alone.
 */
const decide = (command: MailCommand, state: MailState): MailEvent[] => {
  if (state.sent) return [];
  if (command.type === 'ClaimMail') {
    const { messageId, kind, now, leaseMs } = command;
    if (state.claimedUntil !== null && state.claimedUntil > now.getTime()) return [];
    const until = new Date(now.getTime() + leaseMs).toISOString();
    return [{ type: 'MailClaimed', data: { messageId, kind, until } }];
  }
  const attempt = state.failures + 1;
  if (command.type === 'RecordMailSent') {
    const { messageId, kind, rfcMessageId } = command;
    return [{ type: 'MailSent', data: { messageId, kind, attempts: attempt, rfcMessageId } }];
  }
  const { messageId, kind } = command;
  if (command.type === 'RecordMailExpired') {
    return [{ type: 'MailExpired', data: { messageId, kind, reason: command.reason } }];
  }
  // An SMTP error can quote the recipient or our own parameters; the event keeps a short line.
  const error = command.error.replace(/\s+/g, ' ').slice(0, 200);
  return [
    {
      type: 'MailFailed',
      data: { messageId, kind, attempt, error, nextAttemptAt: command.nextAttemptAt.toISOString() },
    },
  ];
};

export const mailDecider: Decider<MailCommand, MailEvent, MailState, never> = {
  initialState: () => ({ sent: false, failures: 0, claimedUntil: null }),
  evolve,
  decide,
};
