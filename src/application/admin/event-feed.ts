import type { EventStore, StoredEvent } from '../ports/event-store.port.js';
import type { LogWakeups } from '../ports/log-wakeups.port.js';

export interface EventFeedSettings {
  /** Longest silence before a stream sends a comment line (EVENT_STREAM_HEARTBEAT). */
  readonly heartbeatMs: number;
  /** Live streams one instance serves at once; more are refused (503) rather than queued. */
  readonly maxStreams: number;
  /** Events a stream reads from the store at a time. */
  readonly pageSize: number;
}

/**
 * What the live event stream (GET /admin/events/stream) reads: the log in pages from the store
 * (a client catching up from an old position), then wake-ups from the log follower. Each client
 * keeps its own position and reads only when it can write, so a slow one holds no events in memory.
 */
export class EventFeed {
  private open = 0;

  constructor(
    private readonly store: EventStore,
    private readonly wakeups: LogWakeups,
    readonly settings: EventFeedSettings,
  ) {}

  head(): Promise<number> {
    return this.store.headPosition();
  }

  /** Takes one of the instance's stream slots; returns its release, or null when all are taken. */
  openStream(): (() => void) | null {
    if (this.open >= this.settings.maxStreams) return null;
    this.open += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.open -= 1;
    };
  }

  page(after: number): Promise<StoredEvent[]> {
    return this.store.readAll(after, this.settings.pageSize);
  }

  /** True once the follower has read past `position`; false after `ms` or on `cancel`. */
  waitBeyond(position: number, ms: number, cancel: Promise<void>): Promise<boolean> {
    if (this.wakeups.head > position) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      const done = (advanced: boolean): void => {
        clearTimeout(timer);
        unsubscribe();
        resolve(advanced);
      };
      const timer = setTimeout(() => done(false), ms);
      const unsubscribe = this.wakeups.onAdvance((head) => {
        if (head > position) done(true);
      });
      void cancel.then(() => done(false));
    });
  }
}
