import type { LoggedIn, LoggedOut, TokenRefreshed } from '../../domain/session/session.events.js';
import { narrowTo } from '../event-sourcing.js';
import type { SessionView } from '../ports/session-read-model.port.js';
import type { Projection } from './projection.js';

/** `RefreshTokenReuseDetected` is always followed by `LoggedOut` (reason "reuse"), which says it all. */
type Handled = LoggedIn | TokenRefreshed | LoggedOut;

const HANDLED: ReadonlySet<string> = new Set<Handled['type']>(['LoggedIn', 'TokenRefreshed', 'LoggedOut']);

/** The store holds what the deciders emitted; once upcast, that type is trusted here only. */
const asHandled = narrowTo<Handled>(HANDLED);

/** The list of a user's sessions and the revocation list. Refresh-token digests never reach it. */
export const sessionsProjection: Projection<SessionView> = {
  name: 'sessions',
  eventTypes: HANDLED,
  attemptTimeField: 'createdAt',
  scrubPersonal: (doc) => ({ ...doc, ip: null, userAgent: null }),

  documentId(event) {
    return asHandled(event)?.data.sessionId ?? null;
  },

  evolve(doc, event) {
    const e = asHandled(event);
    if (e === null) return doc;
    const at = event.occurredAt.toISOString();
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
        seq: event.position,
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
};
