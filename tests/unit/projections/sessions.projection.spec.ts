import { describe, expect, it } from 'vitest';
import { sessionsProjection } from '../../../src/application/projections/sessions.projection.js';
import type { SessionView } from '../../../src/application/ports/session-read-model.port.js';
import type { SessionEvent } from '../../../src/domain/session/session.events.js';
import { fold, stored } from '../../support/stored-events.js';

const SID = 's-1';
const UID = 'u-1';
const loggedIn: SessionEvent = {
  type: 'LoggedIn',
  data: {
    sessionId: SID,
    userId: UID,
    identifier: 'alice@example.com',
    refreshTokenDigest: 'digest-one',
    expiresAt: '2026-01-08T10:00:00.000Z',
    ip: '10.0.0.1',
    userAgent: 'curl/8',
  },
};
const refreshed: SessionEvent = {
  type: 'TokenRefreshed',
  data: {
    sessionId: SID,
    userId: UID,
    refreshTokenDigest: 'digest-two',
    expiresAt: '2026-01-09T10:00:00.000Z',
  },
};

const opened: SessionView = {
  id: SID,
  userId: UID,
  createdAt: '2026-01-01T10:00:00.000Z',
  lastRefreshedAt: null,
  expiresAt: '2026-01-08T10:00:00.000Z',
  ip: '10.0.0.1',
  userAgent: 'curl/8',
  revokedAt: null,
  revokedReason: null,
  seq: 5,
};

describe('sessions projection', () => {
  it('opens a session from LoggedIn, keyed by session id, without the refresh-token digest', () => {
    const docs = fold(sessionsProjection, [stored(loggedIn, 5, '2026-01-01T10:00:00.000Z')]);
    expect([...docs.entries()]).toEqual([[SID, opened]]);
    expect(JSON.stringify(docs.get(SID))).not.toContain('digest');
  });

  it('moves lastRefreshedAt and expiresAt on TokenRefreshed', () => {
    const docs = fold(sessionsProjection, [
      stored(loggedIn, 5, '2026-01-01T10:00:00.000Z'),
      stored(refreshed, 9, '2026-01-02T10:00:00.000Z'),
    ]);
    expect(docs.get(SID)).toEqual({
      ...opened,
      lastRefreshedAt: '2026-01-02T10:00:00.000Z',
      expiresAt: '2026-01-09T10:00:00.000Z',
    });
    expect(JSON.stringify(docs.get(SID))).not.toContain('digest');
  });

  it('revokes on LoggedOut with the reason; reuse detection alone changes nothing', () => {
    const docs = fold(sessionsProjection, [
      stored(loggedIn, 5, '2026-01-01T10:00:00.000Z'),
      stored(
        { type: 'RefreshTokenReuseDetected', data: { sessionId: SID, userId: UID } },
        12,
        '2026-01-03T00:00:00.000Z',
      ),
      stored(
        { type: 'LoggedOut', data: { sessionId: SID, userId: UID, reason: 'reuse' } },
        13,
        '2026-01-03T00:00:01.000Z',
      ),
    ]);
    expect(docs.get(SID)).toEqual({
      ...opened,
      revokedAt: '2026-01-03T00:00:01.000Z',
      revokedReason: 'reuse',
    });
  });

  it('returns the same document for RefreshTokenReuseDetected, which it does not even subscribe to', () => {
    const reuse = stored(
      { type: 'RefreshTokenReuseDetected', data: { sessionId: SID, userId: UID } },
      12,
      '2026-01-03T00:00:00.000Z',
    );
    expect(sessionsProjection.eventTypes.has('RefreshTokenReuseDetected')).toBe(false);
    expect(sessionsProjection.evolve(opened, reuse)).toBe(opened);
    expect([...sessionsProjection.eventTypes].sort()).toEqual(['LoggedIn', 'LoggedOut', 'TokenRefreshed']);
  });

  it('ignores refreshes and logouts of sessions it never saw open', () => {
    expect(sessionsProjection.evolve(null, stored(refreshed, 9, '2026-01-02T10:00:00.000Z'))).toBeNull();
    expect(sessionsProjection.documentId(stored(refreshed, 9, '2026-01-02T10:00:00.000Z'))).toBe(SID);
  });
});
