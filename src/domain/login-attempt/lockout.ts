import type { Recorded } from '../shared/event.js';
import type { LoginAttemptEvent, LoginFailureOutcome } from './login-attempt.events.js';

export interface LockoutPolicy {
  /** Failures within the window that lock the account for the address they came from. */
  readonly threshold: number;
  readonly windowSeconds: number;
  readonly durationSeconds: number;
}

export interface LockoutStatus {
  readonly lockedUntil: Date | null;
  /** Counting failures within the window since the last lock ended. */
  readonly recentFailures: number;
}

/** Only guesses count: attempts refused for being locked or rate limited do not extend a lock. */
const COUNTED: ReadonlySet<LoginFailureOutcome> = new Set(['invalid_credentials', 'unknown_user']);

/**
 * Lockout is keyed by account and client address together, so an attacker can lock an account
 * only from their own addresses; the owner elsewhere still logs in. Per-address rate limits bound
 * how many accounts one address can try.
 */
export function lockoutStatus(
  events: readonly Recorded<LoginAttemptEvent>[],
  policy: LockoutPolicy,
  now: Date,
): LockoutStatus {
  const windowStart = now.getTime() - policy.windowSeconds * 1000;
  let lockEnd = 0;
  for (const event of events) {
    if (event.type === 'AccountLocked') lockEnd = Math.max(lockEnd, Date.parse(event.data.lockedUntil));
  }
  if (lockEnd > now.getTime()) return { lockedUntil: new Date(lockEnd), recentFailures: 0 };
  const since = Math.max(windowStart, lockEnd);
  const recentFailures = events.filter(
    (e) => e.type === 'LoginFailed' && COUNTED.has(e.data.outcome) && e.occurredAt.getTime() >= since,
  ).length;
  return { lockedUntil: null, recentFailures };
}

/** Whether one more counted failure reaches the threshold. */
export const failureLocks = (status: LockoutStatus, policy: LockoutPolicy): boolean =>
  status.recentFailures + 1 >= policy.threshold;
