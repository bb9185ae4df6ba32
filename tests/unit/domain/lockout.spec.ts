import { describe, expect, it } from 'vitest';
import type { LoginAttemptEvent } from '../../../src/domain/login-attempt/login-attempt.events.js';
import { failureLocks, lockoutStatus } from '../../../src/domain/login-attempt/lockout.js';
import type { Recorded } from '../../../src/domain/shared/event.js';

const policy = { threshold: 3, windowSeconds: 600, durationSeconds: 900 };
const now = new Date('2026-01-01T12:00:00Z');
const ago = (s: number) => new Date(now.getTime() - s * 1000);
const failed = (
  at: Date,
  outcome: 'invalid_credentials' | 'unknown_user' | 'locked' = 'invalid_credentials',
): Recorded<LoginAttemptEvent> => ({
  type: 'LoginFailed',
  occurredAt: at,
  data: {
    attemptId: at.toISOString(),
    identifier: 'a@example.com',
    userId: null,
    outcome,
    ip: '1.2.3.4',
    userAgent: null,
  },
});
const locked = (at: Date, until: Date): Recorded<LoginAttemptEvent> => ({
  type: 'AccountLocked',
  occurredAt: at,
  data: {
    identifier: 'a@example.com',
    userId: null,
    ip: '1.2.3.4',
    failures: 3,
    lockedUntil: until.toISOString(),
  },
});

describe('lockout policy', () => {
  it('counts guesses within the window only', () => {
    const status = lockoutStatus([failed(ago(700)), failed(ago(100)), failed(ago(50))], policy, now);
    expect(status).toEqual({ lockedUntil: null, recentFailures: 2 });
    expect(failureLocks(status, policy)).toBe(true);
  });

  it('does not count refusals that were not guesses', () => {
    const status = lockoutStatus([failed(ago(10), 'locked'), failed(ago(5), 'locked')], policy, now);
    expect(status.recentFailures).toBe(0);
  });

  it('is locked until the lock ends, then counts afresh', () => {
    const until = new Date(now.getTime() + 60_000);
    expect(lockoutStatus([failed(ago(30)), locked(ago(20), until)], policy, now).lockedUntil).toEqual(until);
    const ended = lockoutStatus(
      [failed(ago(300)), failed(ago(290)), locked(ago(280), ago(100)), failed(ago(50))],
      policy,
      now,
    );
    expect(ended).toEqual({ lockedUntil: null, recentFailures: 1 });
  });
});
