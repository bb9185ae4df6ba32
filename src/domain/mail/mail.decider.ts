import type { Decider } from '../shared/decider.js';
import type { Recorded } from '../shared/event.js';
import type { MailEvent, MailKind } from './mail.events.js';

export interface MailState {
  /** Sent or expired: closed either way. */
  readonly sent: boolean;
  readonly failures: number;
  /**
   * Nobody else may take the message before `until` (epoch ms): its claimer is sending it, or
   * (`sender` null) a failure put its retry off until then.
   */
  readonly hold: { readonly sender: string | null; readonly until: number } | null;
}

interface Message {
  readonly messageId: string;
  readonly kind: MailKind;
  /** The sender recording or claiming: an instance's mail sender, its id for this process. */
  readonly sender: string;
  readonly now: Date;
}

export type MailCommand =
  | (Message & { readonly type: 'ClaimMail'; readonly leaseMs: number })
  | (Message & { readonly type: 'RecordMailSent'; readonly rfcMessageId: string })
  | (Message & { readonly type: 'RecordMailFailed'; readonly error: string; readonly nextAttemptAt: Date })
  | (Message & {
      readonly type: 'RecordMailExpired';
      readonly reason: 'token-expired' | 'too-old' | 'recipient-erased';
    });

const evolve = (state: MailState, event: Recorded<MailEvent>): MailState => {
  switch (event.type) {
    case 'MailClaimed':
      return { ...state, hold: { sender: event.data.sender, until: Date.parse(event.data.until) } };
    case 'MailFailed':
      return {
        ...state,
        failures: event.data.attempt,
        hold: { sender: null, until: Date.parse(event.data.nextAttemptAt) },
      };
    default:
      return { ...state, sent: true };
  }
};

/** Held by someone else (another sender's live claim, or a failure's retry time not yet come). */
const heldFrom = (state: MailState, sender: string, now: Date): boolean =>
  state.hold !== null && state.hold.sender !== sender && state.hold.until > now.getTime();

/**
 * A message acknowledged once stays acknowledged: later records of it change nothing. A claim is
 * taken only from nobody, and only the sender holding the message records that it failed or is
 * not worth sending: a sender that stalled past its claim leaves those to the one that took over
 * (an empty decision tells it to leave the message alone). A send is recorded from anyone: the
 * mail went out.
 */
const decide = (command: MailCommand, state: MailState): MailEvent[] => {
  if (state.sent) return [];
  const { messageId, kind, sender, now } = command;
  if (command.type === 'RecordMailSent') {
    const data = { messageId, kind, attempts: state.failures + 1, rfcMessageId: command.rfcMessageId };
    return [{ type: 'MailSent', data }];
  }
  if (heldFrom(state, sender, now)) return [];
  switch (command.type) {
    case 'ClaimMail': {
      const until = new Date(now.getTime() + command.leaseMs).toISOString();
      return [{ type: 'MailClaimed', data: { messageId, kind, sender, until } }];
    }
    case 'RecordMailExpired':
      return [{ type: 'MailExpired', data: { messageId, kind, reason: command.reason } }];
    case 'RecordMailFailed': {
      // An SMTP error can quote the recipient or our own parameters; the event keeps a short line.
      const error = command.error.replace(/\s+/g, ' ').slice(0, 200);
      const nextAttemptAt = command.nextAttemptAt.toISOString();
      return [
        { type: 'MailFailed', data: { messageId, kind, attempt: state.failures + 1, error, nextAttemptAt } },
      ];
    }
  }
};

export const mailDecider: Decider<MailCommand, MailEvent, MailState, never> = {
  initialState: () => ({ sent: false, failures: 0, hold: null }),
  evolve,
  decide,
};
