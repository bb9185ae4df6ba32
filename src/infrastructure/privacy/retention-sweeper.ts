import type { Logger } from 'pino';
import type { ExpirePersonalData } from '../../application/privacy/expire-personal-data.use-case.js';

/** Hourly: a day's attempts become due once a day, and a missed hour costs nothing. */
export const RETENTION_SWEEP_INTERVAL_MS = 3_600_000;

/** Runs the retention sweep at start and every interval; a stop waits for the sweep in flight. */
export class RetentionSweeper {
  private timer: NodeJS.Timeout | null = null;
  private inFlight: Promise<void> = Promise.resolve();

  constructor(
    private readonly expire: ExpirePersonalData,
    private readonly logger: Logger,
    private readonly intervalMs = RETENTION_SWEEP_INTERVAL_MS,
  ) {}

  start(): void {
    if (this.timer !== null) return;
    this.timer = setInterval(() => this.runOnce(), this.intervalMs).unref();
    this.runOnce();
  }

  async stop(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    await this.inFlight;
  }

  private runOnce(): void {
    this.inFlight = this.inFlight.then(async () => {
      try {
        const report = await this.expire.sweep(new Date());
        if (report.periods.length > 0)
          this.logger.info(
            { before: report.before, periods: report.periods },
            'personal data of attempts expired',
          );
      } catch (error) {
        this.logger.warn({ err: error }, 'retention sweep failed; retrying next interval');
      }
    });
  }
}
