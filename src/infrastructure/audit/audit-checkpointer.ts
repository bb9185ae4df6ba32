import type { Logger } from 'pino';
import type { CommandHandler } from '../../application/command-handler.js';
import {
  AUDIT_CHECKPOINT_SIGNED,
  AUDIT_CHECKPOINT_STREAM,
  type AuditCheckpointSignedData,
} from '../../domain/audit/audit-checkpoint.events.js';
import { ConcurrencyError, type EventStore } from '../../application/ports/event-store.port.js';
import type { SigningKeyRing } from '../tokens/signing-key-ring.js';
import { signCheckpoint } from './checkpoint-jws.js';

export interface AuditCheckpointerOptions {
  readonly issuer: string;
  readonly intervalMs: number;
  readonly logger: Logger;
  readonly now: () => Date;
}

export type CheckpointOutcome = 'written' | 'up_to_date' | 'lost_race';

/**
 * Signs the log's head hash every interval while new events exist, and once more at shutdown.
 * The checkpoint is an event of its own stream appended at the version last seen: of two instances
 * that tick together one wins, the other sees a ConcurrencyError and writes nothing.
 */
export class AuditCheckpointer {
  private timer: NodeJS.Timeout | null = null;
  private inFlight: Promise<unknown> = Promise.resolve();
  /** The checkpoint stream's version and the position of its last event, as far as we know. */
  private latest = { version: 0, eventPosition: 0 };

  constructor(
    /** Writes the checkpoints (the one write path); `store` is read. */
    private readonly commands: CommandHandler,
    private readonly store: EventStore,
    private readonly keys: SigningKeyRing,
    private readonly options: AuditCheckpointerOptions,
  ) {}

  start(): void {
    this.timer ??= setInterval(() => {
      this.inFlight = this.checkpoint().catch((error: unknown) =>
        this.options.logger.warn({ err: error }, 'audit checkpoint failed; retrying next interval'),
      );
    }, this.options.intervalMs).unref();
  }

  /** Stops the timer and writes the shutdown checkpoint. */
  async stop(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    await this.inFlight;
    await this.checkpoint();
  }

  async checkpoint(): Promise<CheckpointOutcome> {
    await this.catchUp();
    const head = await this.store.headPosition();
    // Nothing new but our own last checkpoint: a checkpoint of a checkpoint proves nothing more.
    if (head === 0 || head <= this.latest.eventPosition) return 'up_to_date';
    const [event] = await this.store.readAll(head - 1, 1);
    if (event?.hash === null || event === undefined) return 'up_to_date';
    const now = this.options.now();
    const data: AuditCheckpointSignedData = {
      position: event.position,
      hash: event.hash,
      jws: await signCheckpoint(this.keys, {
        issuer: this.options.issuer,
        position: event.position,
        hash: event.hash,
        now,
      }),
    };
    try {
      const result = await this.commands.record({
        streamId: AUDIT_CHECKPOINT_STREAM,
        expectedVersion: this.latest.version === 0 ? 'no_stream' : this.latest.version,
        events: [{ type: AUDIT_CHECKPOINT_SIGNED, data: { ...data } }],
        metadata: {},
        occurredAt: now,
      });
      this.latest = { version: result.nextExpectedVersion, eventPosition: result.position };
      this.options.logger.info({ position: data.position }, 'audit checkpoint signed');
      return 'written';
    } catch (error) {
      if (error instanceof ConcurrencyError) return 'lost_race'; // another instance wrote it
      throw error;
    }
  }

  /** Reads only the checkpoints written since the last one we know of. */
  private async catchUp(): Promise<void> {
    const newer = await this.store.readStream(AUDIT_CHECKPOINT_STREAM, this.latest.version + 1);
    const last = newer.at(-1);
    if (last !== undefined) this.latest = { version: last.streamVersion, eventPosition: last.position };
  }
}
