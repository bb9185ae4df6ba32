import { describe, it } from 'vitest';
import { sessionDecider } from '../../../src/domain/session/session.decider.js';
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
const refreshed = (digest: string): SessionEvent => ({
  type: 'TokenRefreshed',
  data: { ...ids, refreshTokenDigest: digest, expiresAt: '2026-02-02T00:00:00.000Z' },
});
const now = new Date('2026-01-15T00:00:00Z');
const refresh = (presentedDigest: string, at = now) =>
  ({
    type: 'RefreshSession',
    presentedDigest,
    newDigest: 'next',
    expiresAt: new Date('2026-02-03T00:00:00Z'),
    now: at,
    reuseGraceMs: 0,
    maxLifetimeMs: 365 * 86_400_000,
  }) as const;

describe('session decider', () => {
  it('opens a session', () => {
    const { type: _t, data } = loggedIn;
    spec
      .given([])
      .when({ type: 'StartSession', ...data })
      .then([loggedIn]);
  });

  it('rotates the current refresh token', () => {
    spec
      .given([loggedIn])
      .when(refresh('d1'))
      .then(
        [
          {
            type: 'TokenRefreshed',
            data: { ...ids, refreshTokenDigest: 'next', expiresAt: '2026-02-03T00:00:00.000Z' },
          },
        ],
        'rotated',
      );
  });

  it('treats a rotated token as reuse and revokes the session', () => {
    spec
      .given([loggedIn, refreshed('d2')])
      .when(refresh('d1'))
      .then(
        [
          { type: 'RefreshTokenReuseDetected', data: ids },
          { type: 'LoggedOut', data: { ...ids, reason: 'reuse' } },
        ],
        'reused',
      );
  });

  it('refuses an unknown token, an expired session and a revoked one', () => {
    spec.given([loggedIn]).when(refresh('never-issued')).thenFails('refresh_token_invalid');
    spec
      .given([loggedIn])
      .when(refresh('d1', new Date('2026-02-01T00:00:00Z')))
      .thenFails('refresh_token_invalid');
    spec
      .given([loggedIn, { type: 'LoggedOut', data: { ...ids, reason: 'user' } }])
      .when(refresh('d1'))
      .thenFails('refresh_token_invalid');
    spec.given([]).when(refresh('d1')).thenFails('refresh_token_invalid');
  });

  it('refuses the current token of a session revoked after reuse', () => {
    spec
      .given([
        loggedIn,
        refreshed('d2'),
        { type: 'RefreshTokenReuseDetected', data: ids },
        { type: 'LoggedOut', data: { ...ids, reason: 'reuse' } },
      ])
      .when(refresh('d2'))
      .thenFails('refresh_token_invalid');
  });

  it('ends a session once; ending it again or ending a missing one changes nothing', () => {
    spec
      .given([loggedIn])
      .when({ type: 'EndSession', reason: 'logout-all' })
      .then([{ type: 'LoggedOut', data: { ...ids, reason: 'logout-all' } }]);
    spec
      .given([loggedIn, { type: 'LoggedOut', data: { ...ids, reason: 'user' } }])
      .when({ type: 'EndSession', reason: 'user' })
      .then([]);
    spec.given([]).when({ type: 'EndSession', reason: 'user' }).then([]);
  });
});
