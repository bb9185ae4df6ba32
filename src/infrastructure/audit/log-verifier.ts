/**
 * Re-computes the audit hash chain from the store and checks every signed checkpoint: the engine
 * of `verify-log`. Reads in batches, keeping only the running hash: memory is flat in the log size.
 */
import type { EventStore, StoredEvent } from '../../application/ports/event-store.port.js';
import {
  AUDIT_CHECKPOINT_SIGNED,
  AUDIT_CHECKPOINT_STREAM,
  isAuditCheckpointData,
} from '../../domain/audit/audit-checkpoint.events.js';
import { chainHash, GENESIS_HASH } from '../event-store/hash-chain.js';
import type { SigningKeyRing } from '../tokens/signing-key-ring.js';
import { verifyCheckpoint } from './checkpoint-jws.js';
import { classifyBreak } from './chain-break.js';

export interface VerifyOptions {
  /** Start after the position of a checkpoint in the log, trusting its signed hash. */
  readonly from?: number | undefined;
  /** A checkpoint kept outside the store: the log must reach its position with its hash. */
  readonly checkpoint?: string | undefined;
  readonly batchSize?: number;
  readonly onProgress?: (done: number, total: number) => void;
}

export type VerifyResult =
  | {
      readonly ok: true;
      readonly events: number;
      /** Events before the chain began (stored without a hash), all at the start. */
      readonly unhashed: number;
      readonly chainStart: number | null;
      readonly checkpoints: number;
      readonly head: number;
    }
  | { readonly ok: false; readonly position: number; readonly reason: string };

class Broken extends Error {
  constructor(
    readonly position: number,
    readonly reason: string,
  ) {
    super(`position ${position}: ${reason}`);
  }
}

export async function verifyLog(
  store: EventStore,
  keys: SigningKeyRing,
  options: VerifyOptions = {},
): Promise<VerifyResult> {
  try {
    return await new Verification(store, keys, options).run();
  } catch (error) {
    if (error instanceof Broken) return { ok: false, position: error.position, reason: error.reason };
    throw error;
  }
}

class Verification {
  private running = GENESIS_HASH;
  private chainStart: number | null = null;
  private unhashed = 0;
  private checkpoints = 0;
  private external: { position: number; hash: string } | null = null;

  constructor(
    private readonly store: EventStore,
    private readonly keys: SigningKeyRing,
    private readonly options: VerifyOptions,
  ) {}

  async run(): Promise<VerifyResult> {
    const head = await this.store.headPosition();
    if (this.options.checkpoint !== undefined) await this.checkExternal(this.options.checkpoint, head);
    let after = this.options.from === undefined ? 0 : await this.startAtCheckpoint(this.options.from);
    const batchSize = this.options.batchSize ?? 1000;
    let events = 0;
    while (after < head) {
      const batch = await this.store.readAll(after, Math.min(batchSize, head - after));
      if (batch.length === 0)
        throw new Broken(after + 1, `missing: the log ends at ${after}, its head says ${head}`);
      for (const event of batch) {
        if (event.position > head) break;
        await this.check(event, after + 1);
        after = event.position;
        events += 1;
      }
      this.options.onProgress?.(after, head);
    }
    return {
      ok: true,
      events,
      unhashed: this.unhashed,
      chainStart: this.chainStart,
      checkpoints: this.checkpoints,
      head,
    };
  }

  private async check(event: StoredEvent, expected: number): Promise<void> {
    const p = event.position;
    if (p > expected) throw new Broken(expected, `missing: positions ${expected}–${p - 1} are absent`);
    if (p < expected) throw new Broken(p, 'reordered: the position appears twice or out of order');
    if (event.hash === null) {
      if (this.chainStart !== null || this.options.from !== undefined) {
        throw new Broken(p, 'edited: its hash was removed');
      }
      this.unhashed += 1;
      return;
    }
    this.chainStart ??= p;
    if (chainHash(this.running, event) !== event.hash || event.prevHash !== this.running) {
      const broken = await classifyBreak(this.store, event, this.running);
      throw new Broken(broken.position, broken.reason);
    }
    this.running = event.hash;
    if (this.external !== null && this.external.position === p && this.external.hash !== event.hash) {
      throw new Broken(p, 'edited: its hash is not the one the given checkpoint signed');
    }
    if (event.type === AUDIT_CHECKPOINT_SIGNED && event.streamId === AUDIT_CHECKPOINT_STREAM) {
      await this.checkInLogCheckpoint(event);
    }
  }

  private async checkInLogCheckpoint(event: StoredEvent): Promise<void> {
    const { data, position } = event;
    if (!isAuditCheckpointData(data)) throw new Broken(position, 'edited: not a checkpoint');
    const verified = await verifyCheckpoint(this.keys, data.jws);
    if (!verified.ok) throw new Broken(position, `bad signature of the checkpoint: ${verified.reason}`);
    const { claims } = verified;
    if (claims.position !== data.position || claims.hash !== data.hash) {
      throw new Broken(position, 'edited: the checkpoint differs from what its signature covers');
    }
    // A rewritten and re-hashed past still differs from what was signed back then.
    const [signed] = await this.store.readAll(claims.position - 1, 1);
    if (signed?.position !== claims.position || signed.hash !== claims.hash) {
      throw new Broken(claims.position, `edited: checkpoint at ${position} signed another hash for it`);
    }
    this.checkpoints += 1;
  }

  private async checkExternal(jws: string, head: number): Promise<void> {
    const verified = await verifyCheckpoint(this.keys, jws);
    if (!verified.ok) throw new Broken(0, `bad signature of the given checkpoint: ${verified.reason}`);
    const { position, hash } = verified.claims;
    if (position > head) {
      throw new Broken(head + 1, `truncated: the log ends at ${head}, below the checkpoint at ${position}`);
    }
    this.external = { position, hash };
  }

  /** `--from`: the chain is trusted up to a position that a validly signed checkpoint names. */
  private async startAtCheckpoint(from: number): Promise<number> {
    const checkpoints = await this.store.readStream(AUDIT_CHECKPOINT_STREAM);
    for (const event of checkpoints) {
      if (!isAuditCheckpointData(event.data) || event.data.position !== from) continue;
      const verified = await verifyCheckpoint(this.keys, event.data.jws);
      if (!verified.ok)
        throw new Broken(event.position, `bad signature of the checkpoint: ${verified.reason}`);
      this.running = verified.claims.hash;
      this.chainStart = from + 1;
      return from;
    }
    throw new Error(`No checkpoint in the log names position ${from}.`);
  }
}
