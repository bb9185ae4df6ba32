import type { LoginFailed } from '../../domain/login-attempt/login-attempt.events.js';
import type { LoggedIn } from '../../domain/session/session.events.js';
import type { LoginAttemptView } from '../ports/login-attempt-read-model.port.js';
import { defineProjection } from './projection.js';

/** `AccountLocked` is a consequence of attempts, not an attempt: the trail does not list it. */
type Handled = LoginFailed | LoggedIn;

const HANDLED: ReadonlySet<string> = new Set<Handled['type']>(['LoginFailed', 'LoggedIn']);

/**
 * The audit trail of logins: one immutable document per attempt. A success is keyed by its session
 * id (one login opens one session), a failure by the attempt id the use case drew.
 */
export const loginAttemptsProjection = defineProjection<LoginAttemptView, Handled>({
  name: 'login-attempts',
  eventTypes: HANDLED,
  // Outcomes, times and counts stay.
  attemptTimeField: 'occurredAt',
  scrubPersonal: (doc) => ({ ...doc, identifier: null, ip: null, userAgent: null }),

  documentId(e) {
    return e.type === 'LoginFailed' ? e.data.attemptId : e.data.sessionId;
  },

  evolve(doc, e) {
    const common = {
      occurredAt: e.at,
      userId: e.data.userId,
      identifier: e.data.identifier,
      ip: e.data.ip,
      userAgent: e.data.userAgent,
      seq: e.position,
    };
    if (e.type === 'LoginFailed') {
      return {
        id: e.data.attemptId,
        outcome: e.data.outcome,
        sessionId: null,
        count: e.data.count ?? 1,
        secondFactor: e.data.factor ?? null,
        ...common,
      };
    }
    return {
      id: e.data.sessionId,
      outcome: 'success',
      sessionId: e.data.sessionId,
      count: 1,
      secondFactor: e.data.secondFactor ?? null,
      ...common,
    };
  },
});
