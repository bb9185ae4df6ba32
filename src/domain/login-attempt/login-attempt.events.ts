import type { DomainEvent } from '../shared/event.js';
import type { MfaFactor } from '../user/mfa.events.js';

export const LOGIN_OUTCOMES = [
  'success',
  'invalid_credentials',
  'unknown_user',
  'locked',
  'inactive',
  'rate_limited',
] as const;
export type LoginOutcome = (typeof LOGIN_OUTCOMES)[number];
export type LoginFailureOutcome = Exclude<LoginOutcome, 'success'>;

/** A failed attempt, also for identifiers that match no account. The attempted password is never kept. */
export type LoginFailed = DomainEvent<
  'LoginFailed',
  {
    readonly attemptId: string;
    readonly identifier: string;
    readonly userId: string | null;
    readonly outcome: LoginFailureOutcome;
    readonly ip: string | null;
    readonly userAgent: string | null;
    /** Refusals without a password check within one minute share one event; absent means 1. */
    readonly count?: number;
    /** A wrong second factor (after a correct password): which one. Absent: the password was wrong. */
    readonly factor?: MfaFactor;
  }
>;
export type AccountLocked = DomainEvent<
  'AccountLocked',
  {
    readonly identifier: string;
    readonly userId: string | null;
    readonly ip: string | null;
    readonly failures: number;
    readonly lockedUntil: string;
    /** Which budget the failures spent (absent on events from before trusted devices: address). */
    readonly scope?: 'address' | 'account' | 'device';
  }
>;
export type LoginAttemptEvent = LoginFailed | AccountLocked;

const hourBucket = (at: Date): string => at.toISOString().slice(0, 13).replace(/[-T]/g, '');

/**
 * Guesses and locks are filed per budget and hour: a login reads one or two short streams per
 * budget. Attempts refused without a guess (locked, rate limited, inactive) go to a stream that no
 * login reads, so a flood against a locked account never lengthens the streams later logins read.
 */
/** One budget of password checks per hour: the reservations and what came of them. */
export const guessBudgetStreamId = (scope: string, key: string, at: Date): string =>
  `login-budget-${scope}-${hourBucket(at)}-${key}`;

/** `identifier` and `address` come keyed (HMAC digests): no personal value names a stream. */
export const loginRefusalsStreamId = (identifier: string, address: string, at: Date): string =>
  `login-refusals-${hourBucket(at)}-${address}-${identifier}`;
