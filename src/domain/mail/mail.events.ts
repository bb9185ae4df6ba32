import type { DomainEvent } from '../shared/event.js';

/**
 * One stream per outgoing message, keyed by the message's idempotency key (the global position
 * of the event it tells about): its delivery record. The first `MailSent` closes it.
 */
export const MAIL_STREAM_PREFIX = 'mail-';
export const mailStreamId = (messageId: string): string => `${MAIL_STREAM_PREFIX}${messageId}`;

export type MailKind =
  | 'password-reset'
  | 'email-verification'
  | 'password-changed'
  | 'email-changed'
  | 'mfa-enabled'
  | 'mfa-disabled'
  | 'account-locked'
  /** To the administrators: a webhook subscription stopped after failing too long. */
  | 'webhook-disabled';

/**
 * One sender took the message until `until`: another instance that sees the claim leaves it
 * alone, so two instances polling the same outbox do not both send it. A claimer that dies
 * before recording the send is replaced once the claim runs out.
 */
export type MailClaimed = DomainEvent<
  'MailClaimed',
  { readonly messageId: string; readonly kind: MailKind; readonly sender: string; readonly until: string }
>;

export type MailSent = DomainEvent<
  'MailSent',
  {
    readonly messageId: string;
    readonly kind: MailKind;
    readonly attempts: number;
    /** The RFC 5322 Message-ID header the message went out with. */
    readonly rfcMessageId: string;
  }
>;

export type MailFailed = DomainEvent<
  'MailFailed',
  {
    readonly messageId: string;
    readonly kind: MailKind;
    readonly attempt: number;
    readonly error: string;
    readonly nextAttemptAt: string;
  }
>;

/**
 * Not sent, and never will be: its token expired, its recipient was erased, or it is older than the sender mails at all
 * (an outbox filled from an old log, e.g. the first start after an upgrade, mails no history).
 */
export type MailExpired = DomainEvent<
  'MailExpired',
  {
    readonly messageId: string;
    readonly kind: MailKind;
    readonly reason: 'token-expired' | 'too-old' | 'recipient-erased';
  }
>;

export type MailEvent = MailClaimed | MailSent | MailFailed | MailExpired;
export const MAIL_EVENT_TYPES: ReadonlySet<string> = new Set<MailEvent['type']>([
  'MailClaimed',
  'MailSent',
  'MailFailed',
  'MailExpired',
]);
