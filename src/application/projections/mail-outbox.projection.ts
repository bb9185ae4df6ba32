import type { AccountLocked } from '../../domain/login-attempt/login-attempt.events.js';
import type { MailClaimed, MailEvent, MailKind } from '../../domain/mail/mail.events.js';
import type { UserEvent } from '../../domain/user/user.events.js';
import type { WebhookDisabled } from '../../domain/webhook/webhook.events.js';
import type { MailView } from '../ports/mail-outbox.port.js';
import { defineProjection } from './projection.js';

/** What each notice-worthy event mails, and to whom when not the user's current address. */
const KIND_OF: Readonly<Record<string, MailKind>> = {
  PasswordResetRequested: 'password-reset',
  EmailVerificationRequested: 'email-verification',
  PasswordChanged: 'password-changed',
  UserEmailChanged: 'email-changed',
  MfaEnabled: 'mfa-enabled',
  MfaDisabled: 'mfa-disabled',
  AccountLocked: 'account-locked',
  WebhookDisabled: 'webhook-disabled',
};

const HANDLED: ReadonlySet<string> = new Set([
  ...Object.keys(KIND_OF),
  'MailSent',
  'MailFailed',
  'MailExpired',
]);

type Source =
  | Extract<
      UserEvent,
      {
        type:
          | 'PasswordResetRequested'
          | 'EmailVerificationRequested'
          | 'PasswordChanged'
          | 'UserEmailChanged'
          | 'MfaEnabled'
          | 'MfaDisabled';
      }
    >
  | AccountLocked
  | WebhookDisabled;
/** Claims are between senders: the outbox shows what is due, and the message's stream who sends it. */
type Handled = Source | Exclude<MailEvent, MailClaimed>;

/**
 * A lock of one address's budget is routine noise and could be repeated from many addresses;
 * the account-wide lock (at most once per LOCKOUT_DURATION) is what the owner must hear about.
 */
const userOf = (e: Exclude<Source, WebhookDisabled>): string | null =>
  e.type === 'AccountLocked' ? (e.data.scope === 'account' ? e.data.userId : null) : e.data.userId;

/** Whom a source event's message goes to: one user, the administrators, or nobody. */
const recipientOf = (e: Source): { readonly userId: string | null } | null => {
  if (e.type === 'WebhookDisabled') return { userId: null };
  const userId = userOf(e);
  return userId === null ? null : { userId };
};

/** The outbox: messages from the events that call for one, and their delivery records. */
export const mailOutboxProjection = defineProjection<MailView, Handled>({
  name: 'mail-outbox',
  eventTypes: HANDLED,
  // An erased user is mailed nothing more: the address is gone, and so is what was not yet sent.
  scrubPersonal: (doc) => ({ ...doc, to: null, sealedToken: null }),

  documentId(e) {
    if (e.type === 'MailSent' || e.type === 'MailFailed' || e.type === 'MailExpired') return e.data.messageId;
    return recipientOf(e) === null ? null : String(e.position);
  },

  evolve(doc, e) {
    const { at } = e;
    if (e.type === 'MailSent') {
      return doc === null ? null : { ...doc, status: 'sent', sealedToken: null, sentAt: at };
    }
    if (e.type === 'MailExpired') {
      return doc === null || doc.status === 'sent' ? doc : { ...doc, status: 'expired', sealedToken: null };
    }
    if (e.type === 'MailFailed') {
      if (doc === null || doc.status === 'sent') return doc;
      return {
        ...doc,
        attempts: e.data.attempt,
        nextAttemptAt: e.data.nextAttemptAt,
        lastError: e.data.error,
      };
    }
    const recipient = recipientOf(e);
    const kind = KIND_OF[e.type];
    if (recipient === null || kind === undefined || doc !== null) return doc;
    const details =
      e.type === 'WebhookDisabled'
        ? {
            details: {
              subscriptionId: e.data.subscriptionId,
              reason: e.data.reason,
              failingSince: e.data.failingSince,
            },
          }
        : {};
    const token =
      e.type === 'PasswordResetRequested' || e.type === 'EmailVerificationRequested'
        ? { to: e.data.email, sealedToken: e.data.sealedToken, expiresAt: e.data.expiresAt }
        : {
            to: e.type === 'UserEmailChanged' ? e.data.previousEmail : null,
            sealedToken: null,
            expiresAt: null,
          };
    return {
      id: String(e.position),
      kind,
      userId: recipient.userId,
      ...details,
      ...token,
      status: 'pending',
      attempts: 0,
      nextAttemptAt: at,
      lastError: null,
      createdAt: at,
      sentAt: null,
      seq: e.position,
    };
  },
});
