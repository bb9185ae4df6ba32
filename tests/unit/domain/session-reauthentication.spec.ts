import { describe, expect, it } from 'vitest';
import {
  evolveSession,
  initialSessionState,
  sessionDecider,
} from '../../../src/domain/session/session.decider.js';
import type { SessionEvent } from '../../../src/domain/session/session.events.js';
import { deciderSpec } from '../../support/decider-spec.js';

const spec = deciderSpec(sessionDecider);
const ids = { sessionId: 's-1', userId: 'u-1' };
const loggedIn: SessionEvent = {
  type: 'LoggedIn',
  data: {
    ...ids,
    identifier: 'a@example.com',
    refreshTokenDigest: 'd1',
    expiresAt: '2026-02-01T00:00:00.000Z',
    ip: '10.0.0.1',
    userAgent: 'test',
  },
};
const now = new Date('2026-01-15T00:00:00Z');
const reauthenticate = (at = now, maxLifetimeMs = 365 * 86_400_000) =>
  ({
    type: 'ReauthenticateSession',
    newDigest: 'next',
    expiresAt: new Date('2026-02-03T00:00:00Z'),
    now: at,
    maxLifetimeMs,
    ip: '10.0.0.2',
    userAgent: 'again',
  }) as const;

describe('issue 9 item 17: a session proves the password again', () => {
  it('records the reauthentication and rotates the refresh token in one decision', () => {
    spec
      .given([loggedIn])
      .when(reauthenticate())
      .then([
        {
          type: 'SessionReauthenticated',
          data: { ...ids, at: now.toISOString(), ip: '10.0.0.2', userAgent: 'again' },
        },
        {
          type: 'TokenRefreshed',
          data: { ...ids, refreshTokenDigest: 'next', expiresAt: '2026-02-03T00:00:00.000Z' },
        },
      ]);
  });

  it('moves auth_time: the login first, then the reauthentication', () => {
    const login = new Date('2026-01-01T00:00:00Z');
    const opened = evolveSession(initialSessionState(), { ...loggedIn, occurredAt: login });
    expect(opened.status === 'active' && opened.authTime).toEqual(login);
    const again = evolveSession(opened, {
      type: 'SessionReauthenticated',
      data: { ...ids, at: now.toISOString() },
      occurredAt: now,
    });
    expect(again.status === 'active' && again.authTime).toEqual(now);
    expect(again.status === 'active' && again.createdAt).toEqual(login);
  });

  it('refuses a revoked, an expired, a too-old and an unknown session', () => {
    const loggedOut: SessionEvent = { type: 'LoggedOut', data: { ...ids, reason: 'user' } };
    spec.given([loggedIn, loggedOut]).when(reauthenticate()).thenFails('session_revoked');
    spec
      .given([loggedIn])
      .when(reauthenticate(new Date('2026-02-01T00:00:00Z')))
      .thenFails('session_revoked');
    spec.given([loggedIn]).when(reauthenticate(now, 86_400_000)).thenFails('session_revoked');
    spec.given([]).when(reauthenticate()).thenFails('session_revoked');
  });
});
