import type { Logger } from '../../application/ports/logger.port.js';
import type { OnLogAdvance } from './log-follower.js';

/** One pass of a reactor (send the due mail, deliver the due webhooks); asks `stopping` between messages. */
export type ReactorPass = (stopping: () => boolean) => Promise<unknown>;

export interface ReactorPassesOptions {
  /** Names the reactor in the log line of a failed pass. */
  readonly name: string;
  /** How often to look for retries that came due and for work no new event announces. */
  readonly pollIntervalMs: number;
  /**
   * New events wake a pass this much later, so a burst of appends shares one pass and the
   * request that caused the work answers before the work is done.
   */
  readonly wakeDelayMs: number;
  readonly logger: Logger;
}

/**
 * Runs a reactor's passes one at a time: shortly after the log follower read new events (this
 * instance's or another's) and every poll interval; a wake during a pass asks for one more right
 * after it. The reactor owns no log cursor: its queue is a read model or its own streams.
 */
export class ReactorPasses {
  private timer: NodeJS.Timeout | null = null;
  private delayed: NodeJS.Timeout | null = null;
  private unsubscribe: (() => void) | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopping = false;

  constructor(
    private readonly onLogAdvance: OnLogAdvance,
    private readonly pass: ReactorPass,
    private readonly options: ReactorPassesOptions,
  ) {}

  start(): void {
    if (this.timer !== null) return;
    this.stopping = false;
    this.timer = setInterval(() => this.wake(), this.options.pollIntervalMs).unref();
    this.unsubscribe = this.onLogAdvance(() => {
      this.delayed ??= setTimeout(() => {
        this.delayed = null;
        this.wake();
      }, this.options.wakeDelayMs).unref();
    });
    this.wake();
  }

  /** Lets the message in flight finish and be recorded; starts no other. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    if (this.delayed !== null) clearTimeout(this.delayed);
    this.delayed = null;
    this.unsubscribe?.();
    this.unsubscribe = null;
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
          await this.pass(() => this.stopping);
        } catch (error) {
          this.options.logger.warn(
            { err: error },
            `${this.options.name} pass failed; retrying next interval`,
          );
        }
      } while (this.again && !this.stopping);
      this.running = null;
    })();
  }
}
