import { addressKey } from '../shared/address-key.js';
import type { DomainEvent } from '../shared/event.js';

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
  }
>;
export type LoginAttemptEvent = LoginFailed | AccountLocked;

const hourBucket = (at: Date): string => at.toISOString().slice(0, 13).replace(/[-T]/g, '');

/**
 * Guesses (wrong password, unknown account) and locks are filed per identifier, client address and
 * hour: the lockout check reads one or two short streams. Attempts refused without a guess (locked,
 * rate limited, inactive) go to a sibling stream that no login reads, so a flood against a locked
 * account never lengthens the streams every later attempt must read.
 */
export const loginFailuresStreamId = (identifier: string, ip: string | null, at: Date): string =>
  `login-failures-${hourBucket(at)}-${addressKey(ip)}-${identifier}`;

export const loginRefusalsStreamId = (identifier: string, ip: string | null, at: Date): string =>
  `login-refusals-${hourBucket(at)}-${addressKey(ip)}-${identifier}`;
