import { Gauge } from 'prom-client';
import type { EventStore } from '../../application/ports/event-store.port.js';
import type { AuthMetrics } from './auth-metrics.js';

/** What the gauges read from the projection runner: its in-memory checkpoints, no store query. */
export interface ProjectionProgress {
  positions(): readonly { readonly name: string; readonly checkpoint: number }[];
}

/**
 * Gauges computed at scrape time, so they cost nothing between scrapes: each read model's
 * checkpoint (from memory) and its lag behind the store's head (one cheap query per scrape).
 * When the store does not answer, the head and lag series are dropped rather than left stale.
 */
export function registerProjectionGauges(
  metrics: AuthMetrics,
  runner: ProjectionProgress,
  store: Pick<EventStore, 'headPosition'>,
): void {
  // prom-client collects every metric of a scrape concurrently: the three gauges share one query.
  let inFlight: Promise<number | null> | null = null;
  const head = (): Promise<number | null> => {
    inFlight ??= store
      .headPosition()
      .catch(() => null)
      .finally(() => {
        inFlight = null;
      });
    return inFlight;
  };
  const registers = [metrics.registry];

  new Gauge({
    name: 'auth_event_store_head_position',
    help: 'Highest committed global position of the event store.',
    registers,
    async collect() {
      const position = await head();
      if (position === null) this.reset();
      else this.set(position);
    },
  });

  new Gauge({
    name: 'auth_projection_checkpoint_position',
    help: 'Global position up to which each read model has applied the log on this instance.',
    labelNames: ['read_model'] as const,
    registers,
    collect() {
      for (const { name, checkpoint } of runner.positions()) this.set({ read_model: name }, checkpoint);
    },
  });

  new Gauge({
    name: 'auth_projection_lag_events',
    help: 'Events appended but not yet applied to each read model on this instance.',
    labelNames: ['read_model'] as const,
    registers,
    async collect() {
      const position = await head();
      if (position === null) return this.reset();
      for (const { name, checkpoint } of runner.positions()) {
        this.set({ read_model: name }, Math.max(0, position - checkpoint));
      }
    },
  });
}
