import {
  ConcurrencyError,
  type AppendRequest,
  type AppendResult,
  type EventStore,
} from '../../application/ports/event-store.port.js';
import { ForwardingEventStore } from '../event-store/forwarding-event-store.js';
import { secondsSince, type AuthMetrics } from './auth-metrics.js';
import { countDomainEvents } from './domain-event-counters.js';

/**
 * Times and counts appends, and counts the domain events they store, around any event store.
 * Reads pass straight through: the projection runner and the revocation feed poll them, and
 * timing every poll would cost more than it tells.
 */
export class InstrumentedEventStore extends ForwardingEventStore {
  constructor(
    inner: EventStore,
    private readonly metrics: AuthMetrics,
  ) {
    super(inner);
  }

  override async append(request: AppendRequest): Promise<AppendResult> {
    const started = process.hrtime.bigint();
    try {
      const result = await this.inner.append(request);
      this.metrics.appendDuration.observe({ outcome: 'ok' }, secondsSince(started));
      countDomainEvents(this.metrics, request.events);
      return result;
    } catch (error) {
      const conflict = error instanceof ConcurrencyError;
      this.metrics.appendDuration.observe(
        { outcome: conflict ? 'conflict' : 'error' },
        secondsSince(started),
      );
      (conflict ? this.metrics.appendConflicts : this.metrics.appendFailures).inc();
      throw error;
    }
  }
}
