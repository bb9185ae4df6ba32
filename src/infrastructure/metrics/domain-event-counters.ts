import type { NewEvent } from '../../application/ports/event-store.port.js';
import { LOGIN_OUTCOMES, type LoginOutcome } from '../../domain/login-attempt/login-attempt.events.js';
import { LOGOUT_REASONS, type LogoutReason } from '../../domain/session/session.events.js';
import type { AuthMetrics } from './auth-metrics.js';

/** Label values come from event data: only known ones pass, so a bad event cannot explode cardinality. */
const oneOf = <T extends string>(known: readonly T[], value: unknown): T | 'other' =>
  known.includes(value as T) ? (value as T) : 'other';

const outcomeOf = (event: NewEvent): LoginOutcome | 'other' => oneOf(LOGIN_OUTCOMES, event.data['outcome']);
const reasonOf = (event: NewEvent): LogoutReason | 'other' => oneOf(LOGOUT_REASONS, event.data['reason']);

/**
 * The business counters, read off the events an append just stored: every use case already ends in
 * an event, so the application code needs no metrics calls of its own.
 */
export function countDomainEvents(metrics: AuthMetrics, events: readonly NewEvent[]): void {
  for (const event of events) {
    metrics.eventsAppended.inc({ type: event.type });
    switch (event.type) {
      case 'UserRegistered':
        metrics.registrations.inc();
        break;
      case 'LoggedIn':
        metrics.logins.inc({ outcome: 'success' });
        break;
      case 'LoginFailed':
        metrics.logins.inc({ outcome: outcomeOf(event) });
        break;
      case 'AccountLocked':
        metrics.lockouts.inc();
        break;
      case 'TokenRefreshed':
        metrics.refreshes.inc();
        break;
      case 'RefreshTokenReuseDetected':
        metrics.refreshTokenReuse.inc();
        break;
      case 'LoggedOut':
        metrics.logouts.inc({ reason: reasonOf(event) });
        break;
    }
  }
}
