import type { Logger } from '../../application/ports/logger.port.js';
import type { ReadModelSync } from '../../application/ports/read-model-sync.port.js';
import type { DeliverMail } from '../../application/mail/deliver-mail.js';
import type { OnLogAdvance } from '../log-follower/log-follower.js';

/**
 * New events read from the log wake the sender this much later: the request that queued a mail
 * answers before its mail is composed and sent, so `forgot` for a registered address costs what it costs for any
 * other (no timing oracle), and a burst of appends shares one pass.
 */
const APPEND_DELAY_MS = 50;

export interface MailSenderOptions {
  /** How often to look for retries that came due and messages queued by other instances. */
  readonly pollIntervalMs: number;
  readonly logger: Logger;
}

/**
 * Runs the mail passes one at a time: whenever the log follower read new events (this
 * instance's or another's) and every poll interval. Like the webhook sender, it owns no log
 * cursor: the outbox projection (fed by the follower with its own checkpoint) is the queue.
 */
export class MailSender {
  private timer: NodeJS.Timeout | null = null;
  private unsubscribe: (() => void) | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopping = false;
  private delayed: NodeJS.Timeout | null = null;

  constructor(
    private readonly onLogAdvance: OnLogAdvance,
    private readonly sync: ReadModelSync,
    private readonly deliveries: DeliverMail,
    private readonly options: MailSenderOptions,
  ) {}

  start(): void {
    if (this.timer !== null) return;
    this.stopping = false;
    this.timer = setInterval(() => this.wake(), this.options.pollIntervalMs).unref();
    this.unsubscribe = this.onLogAdvance(() => {
      this.delayed ??= setTimeout(() => {
        this.delayed = null;
        this.wake();
      }, APPEND_DELAY_MS).unref();
    });
    this.wake();
  }

  /** Lets the message in flight finish and records it. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    this.unsubscribe?.();
    this.unsubscribe = null;
    if (this.delayed !== null) clearTimeout(this.delayed);
    this.delayed = null;
    await this.running;
  }

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
          // The message just read from the log is in the outbox once the read models applied it.
          await this.sync.catchUp(1000);
          await this.deliveries.sendDue(() => this.stopping);
        } catch (error) {
          this.options.logger.warn({ err: error }, 'mail pass failed; retrying next interval');
        }
      } while (this.again && !this.stopping);
      this.running = null;
    })();
  }
}
