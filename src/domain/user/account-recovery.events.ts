import type { DomainEvent } from '../shared/event.js';

/**
 * Single-use tokens mailed to the account's address. The event holds the token's digest (what a
 * reset or verification is checked against) and the token sealed under the master key for this
 * purpose and user (what the mail sender opens to write the mail); never the token in plain text.
 */
export type MailedToken = {
  readonly requestId: string;
  readonly tokenDigest: string;
  readonly sealedToken: string;
  readonly expiresAt: string;
};

export type PasswordResetRequested = DomainEvent<
  'PasswordResetRequested',
  MailedToken & { readonly userId: string; readonly email: string }
>;
/** Followed in the same append by `PasswordChanged` and `AllSessionsEnded`. */
export type PasswordResetCompleted = DomainEvent<
  'PasswordResetCompleted',
  { readonly userId: string; readonly requestId: string }
>;
export type EmailVerificationRequested = DomainEvent<
  'EmailVerificationRequested',
  MailedToken & { readonly userId: string; readonly email: string }
>;
export type EmailVerified = DomainEvent<
  'EmailVerified',
  { readonly userId: string; readonly requestId: string; readonly email: string }
>;

export type AccountRecoveryEvent =
  PasswordResetRequested | PasswordResetCompleted | EmailVerificationRequested | EmailVerified;

export const ACCOUNT_RECOVERY_EVENT_TYPES: readonly AccountRecoveryEvent['type'][] = [
  'PasswordResetRequested',
  'PasswordResetCompleted',
  'EmailVerificationRequested',
  'EmailVerified',
];

/** A pending token as the user's state keeps it. */
export interface PendingToken {
  readonly requestId: string;
  readonly digest: string;
  readonly expiresAt: Date;
  /** The address a verification proves (a later email change supersedes it). */
  readonly email: string;
}

/** Purposes of sealed tokens: a token sealed for one never opens as the other. */
export const PASSWORD_RESET_TOKEN = 'password-reset-token';
export const EMAIL_VERIFICATION_TOKEN = 'email-verification-token';
