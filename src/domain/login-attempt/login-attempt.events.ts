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
 * Attempts are filed per identifier, client address and hour: lockout for one account from one
 * address reads one short stream, and a flood against one account never grows a stream that every
 * other login must read.
 */
export const loginAttemptsStreamId = (identifier: string, ip: string | null, at: Date): string =>
  `login-attempts-${hourBucket(at)}-${ip ?? 'unknown'}-${identifier}`;
