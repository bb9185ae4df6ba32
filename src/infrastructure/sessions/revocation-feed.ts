import type { EventStore } from '../../application/ports/event-store.port.js';
import type { Logger } from '../../application/ports/logger.port.js';
import type { RevocationList } from './revocation-list.js';

export interface RevocationFeedOptions {
  /** Bound on how late another instance's revocation is seen here. Default 250 ms. */
  readonly pollIntervalMs?: number;
  readonly logger: Logger;
}

/**
 * Follows the event log for `LoggedOut` and feeds this instance's revocation list. Local appends
 * wake it at once; other instances' are picked up by polling, well within a second.
 */
export class RevocationFeed {
  private position = 0;
  private running = false;
  private loop: Promise<void> = Promise.resolve();
  private wake: (() => void) | null = null;
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly store: EventStore,
    private readonly list: RevocationList,
    private readonly options: RevocationFeedOptions,
  ) {}

  start(fromPosition: number): void {
    if (this.running) return;
    this.running = true;
    this.position = fromPosition;
    this.unsubscribe = this.store.onAppended(() => this.wake?.());
    this.loop = this.follow();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.unsubscribe?.();
    this.wake?.();
    await this.loop;
  }

  private async follow(): Promise<void> {
    const pollMs = this.options.pollIntervalMs ?? 250;
    let lastPrune = Date.now();
    while (this.running) {
      let caughtUp = true;
      try {
        const events = await this.store.readAll(this.position, 1000);
        for (const event of events) {
          if (event.type === 'LoggedOut' && typeof event.data.sessionId === 'string') {
            this.list.markRevoked(event.data.sessionId, event.occurredAt);
          }
          this.position = event.position;
        }
        caughtUp = events.length < 1000;
      } catch (error) {
        this.options.logger.warn({ err: error }, 'revocation feed could not read the log; retrying');
      }
      if (Date.now() - lastPrune > 60_000) {
        this.list.prune();
        lastPrune = Date.now();
      }
      if (caughtUp && this.running) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, pollMs);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wake = null;
      }
    }
  }
}
