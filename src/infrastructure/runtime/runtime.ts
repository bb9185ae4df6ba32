import type { Logger } from 'pino';
import { LoginAttempts } from '../../application/auth/login-attempts.js';
import { CommandHandler } from '../../application/command-handler.js';
import { AuditCheckpointer } from '../audit/audit-checkpointer.js';
import type { Config } from '../config/config.js';
import { wire, type Wiring } from '../container.js';
import type { AuthMetrics } from '../metrics/auth-metrics.js';
import { RevocationConsumer } from '../sessions/revocation-consumer.js';
import { DeliverWebhooks } from '../../application/webhooks/deliver-webhooks.js';
import { DeliverMail } from '../../application/mail/deliver-mail.js';
import { ReactorPasses, type ReactorPass } from '../log-follower/reactor-passes.js';
import { RetentionSweeper } from '../privacy/retention-sweeper.js';
import { openStorage, type Storage } from './storage.js';

/** How often the mail sender looks for due retries and other instances' messages. */
const MAIL_POLL_INTERVAL_MS = 500;
/** How often the webhook sender looks for due retries and other instances' events. */
const WEBHOOK_POLL_INTERVAL_MS = 1000;
/**
 * New events wake the senders this much later: the request that queued a mail answers before its
 * mail is composed and sent, so `forgot` for a registered address costs what it costs for any
 * other (no timing oracle), and under steady traffic a burst of appends shares one pass.
 */
const SENDER_WAKE_DELAY_MS = 50;

export interface ReadinessReport {
  readonly ready: boolean;
  readonly checks: Readonly<Record<string, { readonly ok: boolean; readonly detail?: string }>>;
}

/** Projections further behind than this make the instance report not-ready. */
const MAX_READY_LAG = 1000;
const STORE_PING_TIMEOUT_MS = 2000;
/** How soon a rotated-in or removed signing key takes effect on this instance. */
export const KEY_RELOAD_INTERVAL_MS = 5000;

const withTimeout = <T>(work: Promise<T>, ms: number): Promise<T> =>
  Promise.race([
    work,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms).unref()),
  ]);

/** Storage, wiring and the background work (the log follower and its consumers, sweeps) of one process. */
export class Runtime {
  private revocationsFollowed = false;
  private sweeper: NodeJS.Timeout | null = null;
  private checkpointer: AuditCheckpointer | null = null;
  private webhookSender: ReactorPasses | null = null;
  private releaseWebhookClaims: () => Promise<void> = () => Promise.resolve();
  private mailSender: ReactorPasses | null = null;
  private refusalFlusher: NodeJS.Timeout | null = null;
  private retention: RetentionSweeper | null = null;
  private stopped: Promise<void> | null = null;

  private constructor(
    readonly config: Config,
    readonly logger: Logger,
    readonly storage: Storage,
    readonly wiring: Wiring,
  ) {}

  /** Opens the storage and wires the adapters, starting nothing (the operator CLI stops here). */
  static async boot(config: Config, logger: Logger): Promise<Runtime> {
    const storage = await openStorage(config, logger);
    try {
      return new Runtime(config, logger, storage, await wire(config, storage, logger));
    } catch (error) {
      // An open MongoDB client would keep a failed CLI process alive.
      await storage.close();
      throw error;
    }
  }

  get useCases(): Wiring['useCases'] {
    return this.wiring.useCases;
  }

  get metrics(): AuthMetrics {
    return this.wiring.metrics;
  }

  /**
   * Starts the log follower and waits until the read models include the log's current head
   * (from the stored checkpoints, in both modes). `start` begins with it; a
   * one-shot tool that reads the read models calls it alone, without the HTTP-side work.
   */
  async catchUpReadModels(): Promise<void> {
    const { follower, readModels } = this.wiring;
    const started = Date.now();
    follower.start();
    const head = await this.storage.eventStore.headPosition();
    while (!(await readModels.waitFor(head, 10_000))) {
      this.logger.info({ head, positions: readModels.positions() }, 'catching up read models');
    }
    this.logger.info({ head, ms: Date.now() - started, mode: this.storage.mode }, 'read models caught up');
  }

  /**
   * Catches the read models up with the log before serving, then follows revocations and seeds
   * the first administrator.
   */
  async start(): Promise<void> {
    const { revocations, follower } = this.wiring;
    // Revocations follow the log from where the sessions read model stands (seeded from it).
    if (!this.revocationsFollowed) {
      const retentionMs = (this.config.accessTokenTtl + 60) * 1000;
      follower.add(new RevocationConsumer(revocations, this.storage.sessions, retentionMs));
      this.revocationsFollowed = true;
    }
    await this.catchUpReadModels();

    if (this.config.admin !== undefined) {
      const outcome = await this.useCases.operator.ensure(
        this.config.admin.email,
        this.config.admin.password,
      );
      this.logger.info({ email: this.config.admin.email, outcome }, 'first administrator');
    }
    const commands = this.wiring.container.resolve(CommandHandler);
    this.checkpointer = new AuditCheckpointer(commands, this.storage.eventStore, this.wiring.keyRing, {
      issuer: this.config.issuer,
      intervalMs: this.config.auditCheckpointIntervalSeconds * 1000,
      logger: this.logger,
      now: () => new Date(),
    });
    this.checkpointer.start();
    this.retention = new RetentionSweeper(this.useCases.expirePersonalData, this.logger);
    this.retention.start();
    const deliverWebhooks = this.wiring.container.resolve(DeliverWebhooks);
    this.webhookSender = this.startSender('webhook delivery', WEBHOOK_POLL_INTERVAL_MS, (stopping) =>
      deliverWebhooks.deliverDue(stopping),
    );
    this.releaseWebhookClaims = () => deliverWebhooks.release();
    const deliverMail = this.wiring.container.resolve(DeliverMail);
    const readModels = this.wiring.readModels;
    this.mailSender = this.startSender('mail', MAIL_POLL_INTERVAL_MS, async (stopping) => {
      // The message just read from the log is in the outbox once the read models applied it.
      await readModels.catchUp(1000);
      return deliverMail.sendDue(stopping);
    });
    const refusals = this.wiring.container.resolve(LoginAttempts);
    this.refusalFlusher = setInterval(() => {
      refusals.flush().catch((error: unknown) => this.logger.warn({ err: error }, 'refusal flush failed'));
    }, 5_000).unref();
    this.wiring.keyRing.startPolling(KEY_RELOAD_INTERVAL_MS, (error) =>
      this.logger.warn({ err: error }, 'signing-key reload failed; keeping the loaded keys'),
    );
    this.sweeper = setInterval(() => {
      this.storage
        .sweep(new Date())
        .catch((error: unknown) => this.logger.warn({ err: error }, 'sweep failed'));
    }, 60_000).unref();
  }

  /** A sender woken by the log follower (this instance's appends and other instances'), started. */
  private startSender(name: string, pollIntervalMs: number, pass: ReactorPass): ReactorPasses {
    const { follower } = this.wiring;
    const sender = new ReactorPasses((listener) => follower.onAdvance(listener), pass, {
      name,
      pollIntervalMs,
      wakeDelayMs: SENDER_WAKE_DELAY_MS,
      logger: this.logger,
    });
    sender.start();
    return sender;
  }

  /** Writes the refusals still being counted for the current minute (shutdown, tests). */
  flushRefusals(): Promise<void> {
    return this.wiring.container.resolve(LoginAttempts).flush(true);
  }

  async readiness(): Promise<ReadinessReport> {
    const checks: Record<string, { ok: boolean; detail?: string }> = {};
    try {
      const head = await withTimeout(this.storage.eventStore.headPosition(), STORE_PING_TIMEOUT_MS);
      checks.store = { ok: true, detail: `${this.storage.mode}, head ${head}` };
      const behind = Math.max(0, ...this.wiring.readModels.positions().map((p) => head - p.checkpoint));
      checks.projections = { ok: behind <= MAX_READY_LAG, detail: `${behind} events behind` };
    } catch (error) {
      checks.store = { ok: false, detail: error instanceof Error ? error.message : 'unreachable' };
    }
    return { ready: Object.values(checks).every((c) => c.ok), checks };
  }

  /**
   * Stops at a checkpoint: the follower finishes its batch and saves where it got to. Safe after a
   * bare `boot` (nothing started) and when called twice (the storage is closed once).
   */
  stop(): Promise<void> {
    this.stopped ??= (async () => {
      if (this.sweeper !== null) clearInterval(this.sweeper);
      await this.retention?.stop();
      if (this.refusalFlusher !== null) {
        clearInterval(this.refusalFlusher);
        await this.wiring.container
          .resolve(LoginAttempts)
          .flush(true)
          .catch((error: unknown) => this.logger.warn({ err: error }, 'refusal flush failed'));
      }
      // The message in flight finishes (bounded by WEBHOOK_TIMEOUT) and its delivery is recorded;
      // then the subscriptions this instance held are free for the others at once.
      await this.webhookSender?.stop();
      await this.releaseWebhookClaims().catch((error: unknown) =>
        this.logger.warn({ err: error }, 'releasing the webhook claims failed; they run out by themselves'),
      );
      // The message in flight is handed over and recorded; the rest wait in the outbox.
      await this.mailSender?.stop();
      await this.wiring.mailTransport.close();
      // The shutdown checkpoint covers the last events; a store that is down must not block the stop.
      await this.checkpointer
        ?.stop()
        .catch((error: unknown) => this.logger.warn({ err: error }, 'shutdown audit checkpoint failed'));
      // The read models stop at a checkpoint that includes what the stop itself wrote (bounded).
      await this.wiring.readModels.catchUp(2_000).catch(() => false);
      this.wiring.keyRing.stopPolling();
      await this.wiring.follower.stop();
      await this.wiring.readModels.stopped();
      await this.storage.close();
    })();
    return this.stopped;
  }
}
