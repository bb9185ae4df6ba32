import type { EventStore, StoredEvent } from '../../application/ports/event-store.port.js';
import type { Logger } from '../../application/ports/logger.port.js';
import type { DocChange, ProjectionStore } from '../../application/ports/projection-store.port.js';
import type { ReadModelSync } from '../../application/ports/read-model-sync.port.js';
import type { Projection } from '../../application/projections/projection.js';

/** A projection wired to its store, with the document type erased so different ones share a list. */
export interface ProjectionBinding {
  readonly name: string;
  /** Applies `events` (position order) with one `load` and one `save`. Replays change nothing. */
  apply(events: readonly StoredEvent[]): Promise<void>;
  checkpoint(): Promise<number>;
  saveCheckpoint(position: number): Promise<void>;
  reset(): Promise<void>;
}

export function bind<Doc extends object>(
  projection: Projection<Doc>,
  store: ProjectionStore<Doc>,
): ProjectionBinding {
  return {
    name: projection.name,
    apply: (events) => applyBatch(projection, store, events),
    checkpoint: () => store.checkpoint(),
    saveCheckpoint: (position) => store.saveCheckpoint(position),
    reset: () => store.reset(),
  };
}

/**
 * Every document the batch touches is loaded once, evolved in memory in position order, and
 * written once with the position of the last event applied to it. An event at or below a
 * document's stored position was applied before a crash and is skipped, so a replay is harmless.
 * `evolve` returning null or the same document means there is nothing to write (the store has
 * no delete: no read model of ours removes documents).
 */
async function applyBatch<Doc extends object>(
  projection: Projection<Doc>,
  store: ProjectionStore<Doc>,
  events: readonly StoredEvent[],
): Promise<void> {
  const touched: { readonly id: string; readonly event: StoredEvent }[] = [];
  for (const event of events) {
    if (!projection.eventTypes.has(event.type)) continue;
    const id = projection.documentId(event);
    if (id !== null) touched.push({ id, event });
  }
  if (touched.length === 0) return;

  const stored = await store.load([...new Set(touched.map(({ id }) => id))]);
  const current = new Map<string, { readonly doc: Doc | null; readonly position: number }>(stored);
  const changes = new Map<string, DocChange<Doc>>();
  for (const { id, event } of touched) {
    const before = current.get(id) ?? { doc: null, position: 0 };
    if (event.position <= before.position) continue;
    const after = projection.evolve(before.doc, event);
    if (after === null || after === before.doc) continue;
    current.set(id, { doc: after, position: event.position });
    changes.set(id, { id, doc: after, position: event.position });
  }
  if (changes.size > 0) await store.save([...changes.values()]);
}

export type RunnerLogger = Pick<Logger, 'warn' | 'error'>;

export interface ProjectionRunnerOptions {
  /** Events read per batch (one `readAll`, one `load` and one `save` per read model). Default 500. */
  readonly batchSize?: number;
  /** How often to look for events appended by other processes. Default 200 ms. */
  readonly pollIntervalMs?: number;
  /** First delay after a failed batch; it doubles up to `maxRetryDelayMs`. Default 100 ms. */
  readonly retryDelayMs?: number;
  /** Default 5000 ms. */
  readonly maxRetryDelayMs?: number;
  /** `waitFor` and `catchUp` timeout when the caller gives none. Default 2000 ms. */
  readonly defaultWaitMs?: number;
  readonly logger?: RunnerLogger;
}

export interface ProjectionPosition {
  readonly name: string;
  readonly checkpoint: number;
}

/** Thrown by `rebuild` when `stop()` ends it early; the next start resumes from its checkpoint. */
export class RebuildInterruptedError extends Error {
  constructor() {
    super(
      'The rebuild was interrupted by stop(); it resumes from its checkpoint when the runner starts again.',
    );
    this.name = 'RebuildInterruptedError';
  }
}

interface Tracked {
  readonly binding: ProjectionBinding;
  /** Position up to which this instance knows the read model is complete. */
  checkpoint: number;
  /** False until read from the store, and again when a reset may have half-happened. */
  known: boolean;
  /** While true, only `rebuild` feeds it. */
  rebuilding: boolean;
}

interface Waiter {
  readonly position: number;
  settle(reached: boolean): void;
}

const SILENT: RunnerLogger = { warn: () => {}, error: () => {} };

/**
 * The one writer of the read models. A single loop reads the log once per batch and feeds every
 * read model that is behind, each with its own checkpoint, saved only after its documents: a
 * crash replays at most one batch, which the position guard makes harmless. It wakes at once on
 * an in-process append and polls for appends made by other processes.
 *
 * Failures (an unavailable store) are logged and retried with backoff, never skipped. A read
 * model that keeps failing holds the shared reads at its checkpoint, so the others wait for it
 * too; they normally live in the same database anyway.
 */
export class ProjectionRunner implements ReadModelSync {
  private readonly tracked: readonly Tracked[];
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly retryDelayMs: number;
  private readonly maxRetryDelayMs: number;
  private readonly defaultWaitMs: number;
  private readonly logger: RunnerLogger;

  private loop: Promise<void> | null = null;
  private stopping = false;
  private unsubscribe: (() => void) | null = null;
  /** Set by an append since the last read: the next idle pause is skipped. */
  private appended = false;
  private wake: (() => void) | null = null;
  private readonly pauses = new Set<() => void>();
  private readonly waiters = new Set<Waiter>();
  private readonly rebuilds = new Set<Promise<unknown>>();
  /** Serialises live batches with the start of a rebuild, so no batch writes a store being reset. */
  private lock: Promise<void> = Promise.resolve();

  constructor(
    private readonly eventStore: EventStore,
    bindings: readonly ProjectionBinding[],
    options: ProjectionRunnerOptions = {},
  ) {
    const names = new Set(bindings.map(({ name }) => name));
    if (names.size !== bindings.length) throw new Error('Each read model must be bound once.');
    this.tracked = bindings.map((binding) => ({ binding, checkpoint: 0, known: false, rebuilding: false }));
    this.batchSize = options.batchSize ?? 500;
    this.pollIntervalMs = options.pollIntervalMs ?? 200;
    this.retryDelayMs = options.retryDelayMs ?? 100;
    this.maxRetryDelayMs = options.maxRetryDelayMs ?? 5000;
    this.defaultWaitMs = options.defaultWaitMs ?? 2000;
    this.logger = options.logger ?? SILENT;
  }

  /** Starts catching up and then following the log. Returns at once; failures are retried inside. */
  start(): void {
    if (this.loop !== null) return;
    this.stopping = false;
    // Read the checkpoints again: while stopped, another process (a CLI rebuild) may have moved them.
    for (const t of this.tracked) if (!t.rebuilding) t.known = false;
    this.unsubscribe = this.eventStore.onAppended(() => this.signalAppended());
    this.loop = this.run();
  }

  /** Lets the current batch finish (documents, then checkpoint) and any rebuild stop between batches. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.unsubscribe?.();
    this.unsubscribe = null;
    for (const interrupt of [...this.pauses]) interrupt();
    await this.loop;
    this.loop = null;
    await Promise.allSettled([...this.rebuilds]);
    for (const waiter of [...this.waiters]) waiter.settle(false);
  }

  waitFor(position: number, timeoutMs: number = this.defaultWaitMs): Promise<boolean> {
    if (this.lowestCheckpoint() >= position) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      const waiter: Waiter = {
        position,
        settle: (reached) => {
          clearTimeout(timer);
          this.waiters.delete(waiter);
          resolve(reached);
        },
      };
      const timer = setTimeout(() => waiter.settle(false), timeoutMs);
      this.waiters.add(waiter);
      // The position may come from another instance: look now rather than at the next poll.
      this.signalAppended();
    });
  }

  async catchUp(timeoutMs: number = this.defaultWaitMs): Promise<boolean> {
    return this.waitFor(await this.eventStore.headPosition(), timeoutMs);
  }

  positions(): ProjectionPosition[] {
    return this.tracked.map(({ binding, checkpoint }) => ({ name: binding.name, checkpoint }));
  }

  /** Events appended but not yet in every read model. */
  async lag(): Promise<number> {
    const head = await this.eventStore.headPosition();
    return this.tracked.length === 0 ? 0 : Math.max(0, head - this.lowestCheckpoint());
  }

  /**
   * Empties the chosen read models (all by default) and replays the log from position 0 up to the
   * head at the time of the call, in batches, reporting `(eventsDone, total)` after each batch.
   * Other read models keep following the log meanwhile; the rebuilt ones rejoin the live loop
   * afterwards for whatever was appended during the rebuild. Returns the number of events replayed.
   * Throws `RebuildInterruptedError` when `stop()` comes first (or came before); the read models are
   * then consistent up to their checkpoints, and the live loop completes them after a restart.
   */
  async rebuild(
    names?: readonly string[],
    onProgress?: (done: number, total: number) => void,
  ): Promise<number> {
    const chosen = names === undefined ? [...this.tracked] : names.map((name) => this.byName(name));
    const busy = chosen.find((t) => t.rebuilding);
    if (busy !== undefined) throw new Error(`The read model ${busy.binding.name} is already being rebuilt.`);
    for (const t of chosen) t.rebuilding = true;
    const task = this.replay(chosen, onProgress);
    this.rebuilds.add(task);
    try {
      return await task;
    } finally {
      this.rebuilds.delete(task);
      for (const t of chosen) t.rebuilding = false;
      this.signalAppended();
    }
  }

  private async replay(
    chosen: readonly Tracked[],
    onProgress: ((done: number, total: number) => void) | undefined,
  ): Promise<number> {
    // Under the lock: a live batch already under way for these stores finishes before the reset.
    await this.exclusive(() =>
      this.retrying('reset', async () => {
        for (const t of chosen) {
          t.known = false;
          await t.binding.reset();
          t.checkpoint = 0;
          t.known = true;
        }
      }),
    );
    const head = await this.retrying('read the head', () => this.eventStore.headPosition());
    let after = 0;
    let done = 0;
    while (after < head) {
      const events = await this.retrying('read', () =>
        this.eventStore.readAll(after, Math.min(this.batchSize, head - after)),
      );
      const batch = events.filter((event) => event.position <= head);
      const last = batch[batch.length - 1];
      if (last === undefined) break;
      await this.retrying('apply', () => this.feedAll(chosen, batch));
      after = last.position;
      done += batch.length;
      onProgress?.(done, head);
    }
    return done;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopping) {
      const outcome = await this.exclusive(() => this.step());
      if (outcome === 'failed') {
        failures += 1;
        await this.pause(this.backoff(failures), false);
        continue;
      }
      failures = 0;
      if (outcome === 'idle') await this.pause(this.pollIntervalMs, true);
    }
  }

  /** One batch for every live read model. */
  private async step(): Promise<'progressed' | 'idle' | 'failed'> {
    this.appended = false;
    try {
      await this.loadCheckpoints();
      const live = this.tracked.filter((t) => !t.rebuilding);
      if (live.length === 0) return 'idle';
      const from = Math.min(...live.map((t) => t.checkpoint));
      const events = await this.eventStore.readAll(from, this.batchSize);
      if (events.length === 0) return 'idle';
      const results = await Promise.allSettled(live.map((t) => this.feed(t, events)));
      let failed = false;
      results.forEach((result, i) => {
        if (result.status === 'fulfilled') return;
        failed = true;
        this.logger.error(
          { err: result.reason, projection: live[i]?.binding.name, from },
          'A projection batch failed; it will be retried',
        );
      });
      return failed ? 'failed' : 'progressed';
    } catch (error) {
      this.logger.error({ err: error }, 'Reading the event log for the projections failed; retrying');
      return 'failed';
    }
  }

  private async loadCheckpoints(): Promise<void> {
    for (const t of this.tracked) {
      if (t.known || t.rebuilding) continue;
      t.checkpoint = await t.binding.checkpoint();
      t.known = true;
    }
    this.settleWaiters();
  }

  /** Applies the part of `events` above the read model's checkpoint, then moves the checkpoint. */
  private async feed(t: Tracked, events: readonly StoredEvent[]): Promise<void> {
    const pending = events.filter((event) => event.position > t.checkpoint);
    const last = pending[pending.length - 1];
    if (last === undefined) return;
    await t.binding.apply(pending);
    await t.binding.saveCheckpoint(last.position);
    t.checkpoint = last.position;
    this.settleWaiters();
  }

  /** Waits for every read model before failing, so a retry never overlaps a write still running. */
  private async feedAll(targets: readonly Tracked[], events: readonly StoredEvent[]): Promise<void> {
    const results = await Promise.allSettled(targets.map((t) => this.feed(t, events)));
    const failure = results.find((result) => result.status === 'rejected');
    if (failure !== undefined) throw failure.reason;
  }

  private async retrying<T>(what: string, task: () => Promise<T>): Promise<T> {
    for (let failures = 1; ; failures++) {
      if (this.stopping) throw new RebuildInterruptedError();
      try {
        return await task();
      } catch (error) {
        const retryInMs = this.backoff(failures);
        this.logger.error(
          { err: error, failures, retryInMs },
          `Projection rebuild: ${what} failed; retrying`,
        );
        await this.pause(retryInMs, false);
      }
    }
  }

  private exclusive<T>(task: () => Promise<T>): Promise<T> {
    const result = this.lock.then(task);
    this.lock = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  /** Waits `ms`, or less when stopping, or (if `wakeOnAppend`) when an append is signalled. */
  private pause(ms: number, wakeOnAppend: boolean): Promise<void> {
    if (this.stopping || (wakeOnAppend && this.appended)) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const end = (): void => {
        clearTimeout(timer);
        this.pauses.delete(end);
        if (this.wake === end) this.wake = null;
        resolve();
      };
      const timer = setTimeout(end, ms);
      this.pauses.add(end);
      if (wakeOnAppend) this.wake = end;
    });
  }

  private signalAppended(): void {
    this.appended = true;
    this.wake?.();
  }

  private backoff(failures: number): number {
    return Math.min(this.maxRetryDelayMs, this.retryDelayMs * 2 ** Math.min(failures - 1, 20));
  }

  private lowestCheckpoint(): number {
    let lowest = Number.POSITIVE_INFINITY;
    for (const t of this.tracked) lowest = Math.min(lowest, t.known ? t.checkpoint : 0);
    return lowest;
  }

  private settleWaiters(): void {
    if (this.waiters.size === 0) return;
    const lowest = this.lowestCheckpoint();
    for (const waiter of [...this.waiters]) if (waiter.position <= lowest) waiter.settle(true);
  }

  private byName(name: string): Tracked {
    const found = this.tracked.find((t) => t.binding.name === name);
    if (found === undefined) throw new Error(`No read model is named ${name}.`);
    return found;
  }
}
