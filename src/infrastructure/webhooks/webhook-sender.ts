import { sleep } from '../../application/concurrency/backoff.js';
import type { Logger } from '../../application/ports/logger.port.js';
import type { DeliverWebhooks } from '../../application/webhooks/deliver-webhooks.js';
import type { OnLogAdvance } from '../log-follower/log-follower.js';

/** Shortest time between two passes woken by appends. */
const MIN_PASS_GAP_MS = 50;

export interface WebhookSenderOptions {
  /** How often to look for due retries and for events appended by other instances. */
  readonly pollIntervalMs: number;
  readonly logger: Logger;
}

/**
 * Runs the delivery passes one at a time: whenever the log follower read new events (this
 * instance's or another's) and every poll interval (retries that came due). It reads no log of its own:
 * each pass reads only the events after a due subscription's cursor.
 */
export class WebhookSender {
  private timer: NodeJS.Timeout | null = null;
  private unsubscribe: (() => void) | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopping = false;

  constructor(
    private readonly onLogAdvance: OnLogAdvance,
    private readonly deliveries: DeliverWebhooks,
    private readonly options: WebhookSenderOptions,
  ) {}

  start(): void {
    if (this.timer !== null) return;
    this.stopping = false;
    this.timer = setInterval(() => this.wake(), this.options.pollIntervalMs).unref();
    this.unsubscribe = this.onLogAdvance(() => this.wake());
    this.wake();
  }

  /** Lets the message in flight finish (its POST has a timeout) and records what was delivered. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    this.unsubscribe?.();
    this.unsubscribe = null;
    await this.running;
  }

  /** A pass now, or one more right after the pass in progress. */
  private wake(): void {
    if (this.stopping) return;
    if (this.running !== null) {
      this.again = true;
      return;
    }
    this.running = (async () => {
      do {
        this.again = false;
        try {
          await this.deliveries.deliverDue(() => this.stopping);
        } catch (error) {
          this.options.logger.warn({ err: error }, 'webhook delivery pass failed; retrying next interval');
        }
        // Under steady traffic every append wakes the sender: at most one pass per gap, not one per append.
        if (this.again && !this.stopping) await sleep(MIN_PASS_GAP_MS);
      } while (this.again && !this.stopping);
      this.running = null;
    })();
  }
}
