import type { LoggedIn, LoggedOut, TokenRefreshed } from '../../domain/session/session.events.js';
import type { SessionView } from '../ports/session-read-model.port.js';
import { defineProjection } from './projection.js';

/** `RefreshTokenReuseDetected` is always followed by `LoggedOut` (reason "reuse"), which says it all. */
type Handled = LoggedIn | TokenRefreshed | LoggedOut;

const HANDLED: ReadonlySet<string> = new Set<Handled['type']>(['LoggedIn', 'TokenRefreshed', 'LoggedOut']);

/** The list of a user's sessions and the revocation list. Refresh-token digests never reach it. */
export const sessionsProjection = defineProjection<SessionView, Handled>({
  name: 'sessions',
  eventTypes: HANDLED,
  attemptTimeField: 'createdAt',
  scrubPersonal: (doc) => ({ ...doc, ip: null, userAgent: null }),

  documentId(e) {
    return e.data.sessionId;
  },

  evolve(doc, e) {
    const { at } = e;
    if (e.type === 'LoggedIn') {
      const d = e.data;
      return {
        id: d.sessionId,
        userId: d.userId,
        createdAt: at,
        lastRefreshedAt: null,
        expiresAt: d.expiresAt,
        ip: d.ip,
        userAgent: d.userAgent,
        revokedAt: null,
        revokedReason: null,
        seq: e.position,
      };
    }
    if (doc === null) return null;
    switch (e.type) {
      case 'TokenRefreshed':
        return { ...doc, lastRefreshedAt: at, expiresAt: e.data.expiresAt };
      case 'LoggedOut':
        return { ...doc, revokedAt: at, revokedReason: e.data.reason };
    }
  },
});
