import { describe, expect, it } from 'vitest';
import { loginAttemptsProjection } from '../../../src/application/projections/login-attempts.projection.js';
import type { LoginAttemptEvent } from '../../../src/domain/login-attempt/login-attempt.events.js';
import type { LoggedIn } from '../../../src/domain/session/session.events.js';
import { fold, stored } from '../../support/stored-events.js';

const failed: LoginAttemptEvent = {
  type: 'LoginFailed',
  data: {
    attemptId: 'a-1',
    identifier: 'ghost@example.com',
    userId: null,
    outcome: 'unknown_user',
    ip: '203.0.113.9',
    userAgent: 'bot',
  },
};
const locked: LoginAttemptEvent = {
  type: 'AccountLocked',
  data: {
    identifier: 'alice',
    userId: 'u-1',
    ip: '203.0.113.9',
    failures: 5,
    lockedUntil: '2026-01-01T00:15:00.000Z',
  },
};
const loggedIn: LoggedIn = {
  type: 'LoggedIn',
  data: {
    sessionId: 's-1',
    userId: 'u-1',
    identifier: 'alice',
    refreshTokenDigest: 'digest',
    expiresAt: '2026-01-08T00:00:00.000Z',
    ip: null,
    userAgent: null,
  },
};

describe('login attempts projection', () => {
  it('makes one document per attempt: failures by attempt id, successes by session id', () => {
    const docs = fold(loginAttemptsProjection, [
      stored(failed, 3, '2026-01-01T00:00:00.000Z'),
      stored(locked, 4, '2026-01-01T00:00:01.000Z'),
      stored(loggedIn, 6, '2026-01-01T00:01:00.000Z'),
    ]);
    expect([...docs.entries()]).toEqual([
      [
        'a-1',
        {
          id: 'a-1',
          occurredAt: '2026-01-01T00:00:00.000Z',
          outcome: 'unknown_user',
          userId: null,
          identifier: 'ghost@example.com',
          ip: '203.0.113.9',
          userAgent: 'bot',
          sessionId: null,
          count: 1,
          secondFactor: null,
          seq: 3,
        },
      ],
      [
        's-1',
        {
          id: 's-1',
          occurredAt: '2026-01-01T00:01:00.000Z',
          outcome: 'success',
          userId: 'u-1',
          identifier: 'alice',
          ip: null,
          userAgent: null,
          sessionId: 's-1',
          count: 1,
          secondFactor: null,
          seq: 6,
        },
      ],
    ]);
    expect(JSON.stringify([...docs.values()])).not.toContain('digest');
  });

  it('creates nothing for AccountLocked', () => {
    expect(loginAttemptsProjection.eventTypes.has('AccountLocked')).toBe(false);
    expect(loginAttemptsProjection.documentId(stored(locked, 4, '2026-01-01T00:00:01.000Z'))).toBeNull();
    expect([...loginAttemptsProjection.eventTypes].sort()).toEqual(['LoggedIn', 'LoginFailed']);
  });
});
