import {
  ConcurrencyError,
  type AppendRequest,
  type AppendResult,
  type EventStore,
  type StoredEvent,
} from '../../application/ports/event-store.port.js';
import { secondsSince, type AuthMetrics } from './auth-metrics.js';
import { countDomainEvents } from './domain-event-counters.js';

/**
 * Times and counts appends, and counts the domain events they store, around any event store.
 * Reads pass straight through: the projection runner and the revocation feed poll them, and
 * timing every poll would cost more than it tells.
 */
export class InstrumentedEventStore implements EventStore {
  constructor(
    private readonly inner: EventStore,
    private readonly metrics: AuthMetrics,
  ) {}

  async append(request: AppendRequest): Promise<AppendResult> {
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

  readStream(streamId: string, fromVersion?: number): Promise<StoredEvent[]> {
    return this.inner.readStream(streamId, fromVersion);
  }

  readAll(afterPosition: number, limit: number): Promise<StoredEvent[]> {
    return this.inner.readAll(afterPosition, limit);
  }

  headPosition(): Promise<number> {
    return this.inner.headPosition();
  }

  onAppended(listener: (position: number) => void): () => void {
    return this.inner.onAppended(listener);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
