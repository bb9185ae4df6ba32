import { AsyncLock } from '../../application/concurrency/async-lock.js';
import { backoffCeiling, type BackoffPolicy } from '../../application/concurrency/backoff.js';
import { InterruptibleSleep } from '../../application/concurrency/interruptible-sleep.js';
import type { EventStore, StoredEvent } from '../../application/ports/event-store.port.js';
import type { Logger } from '../../application/ports/logger.port.js';
import type { LogConsumer } from './log-consumer.js';

export type FollowerLogger = Pick<Logger, 'warn' | 'error'>;

/** Subscribes to new events read from the log (the log follower's `onAdvance`). */
export type OnLogAdvance = (listener: (position: number) => void) => () => void;

export interface LogFollowerOptions {
  /** Events read per batch (one `readAll` per batch, shared by every consumer). Default 500. */
  readonly batchSize?: number;
  /** How often to look for events appended by other processes. Default 200 ms. */
  readonly pollIntervalMs?: number;
  /** Delay after a failed batch, doubling. Default 100 ms up to 5 s. */
  readonly retry?: BackoffPolicy;
  readonly logger?: FollowerLogger;
}

export interface ConsumerPosition {
  readonly name: string;
  readonly checkpoint: number;
}

interface Tracked {
  readonly consumer: LogConsumer;
  /** Position up to which this instance knows the consumer is complete. */
  checkpoint: number;
  /** False until read from the consumer, and again after a start or a reset. */
  known: boolean;
  /** While held (a rebuild feeds it), the live loop leaves it alone. */
  held: boolean;
}

const SILENT: FollowerLogger = { warn: () => {}, error: () => {} };
const DEFAULT_RETRY: BackoffPolicy = { baseMs: 100, maxMs: 5000 };

/**
 * The one reader of the event log in a process. A single loop reads a batch once from the lowest
 * checkpoint and feeds every consumer the part above its own checkpoint, which the consumer saves
 * after its effects: a crash replays at most one batch. It wakes at once on an in-process append
 * and polls for other processes' appends.
 *
 * A failure (the store, or one consumer) is logged and the batch retried with backoff, never
 * skipped; the consumers that succeeded keep their progress. A consumer that keeps failing holds
 * the shared reads at its checkpoint, so the others wait for it: they all live in the same store.
 */
export class LogFollower {
  private readonly tracked = new Map<string, Tracked>();
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly retry: BackoffPolicy;
  private readonly logger: FollowerLogger;
  private readonly sleeper = new InterruptibleSleep();
  /** Live batches and the start of a rebuild take turns: no batch writes a store being reset. */
  private readonly lock = new AsyncLock();
  private readonly advanceListeners = new Set<(position: number) => void>();
  private readonly checkpointListeners = new Set<() => void>();
  private loop: Promise<void> | null = null;
  private unsubscribe: (() => void) | null = null;
  private stopping = false;
  private highestRead = 0;

  constructor(
    private readonly eventStore: EventStore,
    options: LogFollowerOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 500;
    this.pollIntervalMs = options.pollIntervalMs ?? 200;
    this.retry = options.retry ?? DEFAULT_RETRY;
    this.logger = options.logger ?? SILENT;
  }

  /** Adds a consumer (also while running: it starts from its own checkpoint at the next batch). */
  add(consumer: LogConsumer): void {
    if (this.tracked.has(consumer.name))
      throw new Error(`A consumer named ${consumer.name} is already following.`);
    this.tracked.set(consumer.name, { consumer, checkpoint: 0, known: false, held: false });
    this.wake();
  }

  /** Starts following. Returns at once; failures are retried inside. */
  start(): void {
    if (this.loop !== null) return;
    this.stopping = false;
    this.sleeper.resume();
    // While stopped, another process (a CLI rebuild) may have moved the stored checkpoints.
    for (const t of this.tracked.values()) if (!t.held) t.known = false;
    this.unsubscribe = this.eventStore.onAppended(() => this.wake());
    this.loop = this.run();
  }

  /** Lets the current batch finish (effects, then checkpoints). */
  async stop(): Promise<void> {
    this.stopping = true;
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.sleeper.interruptAll();
    await this.loop;
    this.loop = null;
  }

  get stopped(): boolean {
    return this.stopping;
  }

  /** Look at the log now rather than at the next poll. */
  wake(): void {
    this.sleeper.wake();
  }

  /** Called after every batch that read events new to this process, with the highest position. */
  onAdvance(listener: (position: number) => void): () => void {
    this.advanceListeners.add(listener);
    return () => this.advanceListeners.delete(listener);
  }

  /** Called whenever a consumer's known checkpoint changes. */
  onCheckpoint(listener: () => void): () => void {
    this.checkpointListeners.add(listener);
    return () => this.checkpointListeners.delete(listener);
  }

  /** The highest position this process has read from the log. */
  get head(): number {
    return this.highestRead;
  }

  /** Known checkpoints; a consumer not read yet counts as 0. */
  positions(names?: readonly string[]): ConsumerPosition[] {
    const chosen = names === undefined ? [...this.tracked.values()] : names.map((name) => this.byName(name));
    return chosen.map((t) => ({ name: t.consumer.name, checkpoint: t.known ? t.checkpoint : 0 }));
  }

  /** Takes consumers out of the live loop (a rebuild feeds them); throws if one already is. */
  hold(names: readonly string[]): LogConsumer[] {
    const chosen = names.map((name) => this.byName(name));
    const busy = chosen.find((t) => t.held);
    if (busy !== undefined) throw new Error(`The read model ${busy.consumer.name} is already being rebuilt.`);
    for (const t of chosen) t.held = true;
    return chosen.map((t) => t.consumer);
  }

  release(names: readonly string[]): void {
    for (const name of names) this.byName(name).held = false;
    this.wake();
  }

  /** Records a checkpoint reached outside the live loop (a reset, a rebuild's batch). */
  setCheckpoint(name: string, position: number | null): void {
    const t = this.byName(name);
    t.known = position !== null;
    t.checkpoint = position ?? 0;
    this.emitCheckpoint();
  }

  /** Runs `task` between two live batches. */
  exclusive<T>(task: () => Promise<T>): Promise<T> {
    return this.lock.run(task);
  }

  /** The follower's backoff: `attempt` 1 waits the base delay. Ends early on stop. */
  backoff(attempt: number): Promise<void> {
    return this.sleeper.sleep(backoffCeiling(attempt, this.retry), false);
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopping) {
      const outcome = await this.lock.run(() => this.step());
      if (outcome === 'failed') {
        failures += 1;
        await this.backoff(failures);
        continue;
      }
      failures = 0;
      if (outcome === 'idle') await this.sleeper.sleep(this.pollIntervalMs, true);
    }
  }

  /** One batch for every live consumer. */
  private async step(): Promise<'progressed' | 'idle' | 'failed'> {
    this.sleeper.clearWake();
    const readStartedAt = Date.now();
    let from = 0;
    try {
      await this.loadCheckpoints();
      const live = [...this.tracked.values()].filter((t) => !t.held);
      if (live.length === 0) return 'idle';
      from = Math.min(...live.map((t) => t.checkpoint));
      const events = await this.readTail(from);
      const reachedHead = events.length < this.batchSize;
      const results = await Promise.allSettled(live.map((t) => this.feed(t, events)));
      let failed = false;
      results.forEach((result, i) => {
        const t = live[i];
        if (t === undefined) return;
        if (result.status === 'fulfilled') {
          if (reachedHead) t.consumer.caughtUp?.(readStartedAt);
          return;
        }
        failed = true;
        this.logger.error(
          { err: result.reason, consumer: t.consumer.name, from },
          'A log consumer failed its batch; it will be retried',
        );
      });
      this.advanced(events);
      if (failed) return 'failed';
      return reachedHead ? 'idle' : 'progressed';
    } catch (error) {
      this.logger.error({ err: error, from }, 'Reading the event log failed; retrying');
      return 'failed';
    }
  }

  private readTail(from: number): Promise<StoredEvent[]> {
    return this.eventStore.readTail !== undefined
      ? this.eventStore.readTail(from, this.batchSize)
      : this.eventStore.readAll(from, this.batchSize);
  }

  private async loadCheckpoints(): Promise<void> {
    let loaded = false;
    for (const t of this.tracked.values()) {
      if (t.known || t.held) continue;
      t.checkpoint = await t.consumer.checkpoint();
      t.known = true;
      loaded = true;
    }
    if (loaded) this.emitCheckpoint();
  }

  /** Hands the consumer the part of `events` above its checkpoint, then moves the checkpoint. */
  private async feed(t: Tracked, events: readonly StoredEvent[]): Promise<void> {
    const pending = events.filter((event) => event.position > t.checkpoint);
    const last = pending.at(-1);
    if (last === undefined) return;
    await t.consumer.handle(pending);
    t.checkpoint = last.position;
    this.emitCheckpoint();
  }

  private advanced(events: readonly StoredEvent[]): void {
    const last = events.at(-1);
    if (last === undefined || last.position <= this.highestRead) return;
    this.highestRead = last.position;
    for (const listener of [...this.advanceListeners]) listener(last.position);
  }

  private emitCheckpoint(): void {
    for (const listener of [...this.checkpointListeners]) listener();
  }

  private byName(name: string): Tracked {
    const found = this.tracked.get(name);
    if (found === undefined) throw new Error(`No consumer is named ${name}.`);
    return found;
  }
}
