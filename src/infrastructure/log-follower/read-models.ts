import type { EventStore } from '../../application/ports/event-store.port.js';
import type { ReadModelSync } from '../../application/ports/read-model-sync.port.js';
import { CheckpointWaiters } from './checkpoint-waiters.js';
import type { ConsumerPosition, FollowerLogger, LogFollower } from './log-follower.js';
import type { ProjectionBinding } from './read-model-batch.js';
import { rebuild } from './rebuild.js';

export interface ReadModelsOptions {
  /** `waitFor` and `catchUp` timeout when the caller gives none. Default 2000 ms. */
  readonly defaultWaitMs?: number;
  /** Events per rebuild batch. Default 500. */
  readonly batchSize?: number;
  readonly logger?: FollowerLogger;
}

const SILENT: FollowerLogger = { warn: () => {}, error: () => {} };

/**
 * The read models as consumers of the log follower: read-your-writes waits, their positions and
 * lag (readiness, metrics, `stats`), and rebuilds (CLI `rebuild`).
 */
export class ReadModels implements ReadModelSync {
  private readonly bindings: ReadonlyMap<string, ProjectionBinding>;
  private readonly waiters: CheckpointWaiters;
  private readonly rebuilds = new Set<Promise<unknown>>();
  private readonly defaultWaitMs: number;

  constructor(
    private readonly follower: LogFollower,
    private readonly eventStore: EventStore,
    bindings: readonly ProjectionBinding[],
    private readonly options: ReadModelsOptions = {},
  ) {
    this.bindings = new Map(bindings.map((binding) => [binding.name, binding]));
    if (this.bindings.size !== bindings.length) throw new Error('Each read model must be bound once.');
    this.defaultWaitMs = options.defaultWaitMs ?? 2000;
    this.waiters = new CheckpointWaiters(() => this.lowestCheckpoint());
    for (const binding of bindings) follower.add(binding);
    follower.onCheckpoint(() => this.waiters.settle());
  }

  waitFor(position: number, timeoutMs: number = this.defaultWaitMs): Promise<boolean> {
    return this.waiters.waitFor(position, timeoutMs, () => this.follower.wake());
  }

  async catchUp(timeoutMs: number = this.defaultWaitMs): Promise<boolean> {
    return this.waitFor(await this.eventStore.headPosition(), timeoutMs);
  }

  positions(): ConsumerPosition[] {
    return this.follower.positions([...this.bindings.keys()]);
  }

  /** Events appended but not yet in every read model. */
  async lag(): Promise<number> {
    const head = await this.eventStore.headPosition();
    return this.bindings.size === 0 ? 0 : Math.max(0, head - this.lowestCheckpoint());
  }

  /**
   * Empties the chosen read models (all by default) and replays the log into them (see
   * `rebuild`), reporting `(eventsDone, total)` after each batch.
   */
  async rebuild(
    names?: readonly string[],
    onProgress?: (done: number, total: number) => void,
  ): Promise<number> {
    const chosen = (names ?? [...this.bindings.keys()]).map((name) => {
      const binding = this.bindings.get(name);
      if (binding === undefined) throw new Error(`No read model is named ${name}.`);
      return binding;
    });
    const task = rebuild(this.follower, this.eventStore, chosen, {
      batchSize: this.options.batchSize ?? 500,
      logger: this.options.logger ?? SILENT,
      onProgress,
    });
    this.rebuilds.add(task);
    try {
      return await task;
    } finally {
      this.rebuilds.delete(task);
    }
  }

  /** After the follower stopped: rebuilds end and waiters are answered false. */
  async stopped(): Promise<void> {
    await Promise.allSettled([...this.rebuilds]);
    this.waiters.abandon();
  }

  private lowestCheckpoint(): number {
    let lowest = Number.POSITIVE_INFINITY;
    for (const { checkpoint } of this.positions()) lowest = Math.min(lowest, checkpoint);
    return lowest;
  }
}
