import type { EventStore, StoredEvent } from '../../application/ports/event-store.port.js';
import type { FollowerLogger, LogFollower } from './log-follower.js';
import type { ProjectionBinding } from './read-model-batch.js';

/** Thrown by a rebuild that `stop()` ended early; the next start resumes from its checkpoint. */
export class RebuildInterruptedError extends Error {
  constructor() {
    super(
      'The rebuild was interrupted by stop(); it resumes from its checkpoint when the follower starts again.',
    );
    this.name = 'RebuildInterruptedError';
  }
}

export interface RebuildOptions {
  readonly batchSize: number;
  readonly logger: FollowerLogger;
  readonly onProgress?: ((done: number, total: number) => void) | undefined;
}

/**
 * Empties the chosen read models and replays the log from position 0 up to the head at the time
 * of the call, in batches. The follower leaves them alone meanwhile (the others keep following)
 * and takes them back afterwards for whatever was appended during the rebuild. Failures are
 * retried with the follower's backoff; a stop ends it with `RebuildInterruptedError`, the read
 * models consistent up to their checkpoints. Returns the number of events replayed.
 */
export async function rebuild(
  follower: LogFollower,
  eventStore: EventStore,
  chosen: readonly ProjectionBinding[],
  options: RebuildOptions,
): Promise<number> {
  const names = chosen.map(({ name }) => name);
  follower.hold(names);
  try {
    return await replay(follower, eventStore, chosen, options);
  } finally {
    follower.release(names);
  }
}

async function replay(
  follower: LogFollower,
  eventStore: EventStore,
  chosen: readonly ProjectionBinding[],
  options: RebuildOptions,
): Promise<number> {
  const retrying = <T>(what: string, task: () => Promise<T>): Promise<T> =>
    retry(follower, options.logger, what, task);
  // Between live batches: one already under way for these stores finishes before the reset.
  await follower.exclusive(() =>
    retrying('reset', async () => {
      for (const binding of chosen) {
        follower.setCheckpoint(binding.name, null);
        await binding.reset();
        follower.setCheckpoint(binding.name, 0);
      }
    }),
  );
  const head = await retrying('read the head', () => eventStore.headPosition());
  let after = 0;
  let done = 0;
  while (after < head) {
    const events = await retrying('read', () =>
      eventStore.readAll(after, Math.min(options.batchSize, head - after)),
    );
    const batch = events.filter((event) => event.position <= head);
    const last = batch.at(-1);
    if (last === undefined) break;
    await retrying('apply', () => feedAll(follower, chosen, batch));
    after = last.position;
    done += batch.length;
    options.onProgress?.(done, head);
  }
  return done;
}

/** Waits for every read model before failing, so a retry never overlaps a write still running. */
async function feedAll(
  follower: LogFollower,
  targets: readonly ProjectionBinding[],
  events: readonly StoredEvent[],
): Promise<void> {
  const positions = new Map(
    follower.positions(targets.map(({ name }) => name)).map((p) => [p.name, p.checkpoint]),
  );
  const results = await Promise.allSettled(
    targets.map(async (binding) => {
      const pending = events.filter((event) => event.position > (positions.get(binding.name) ?? 0));
      const last = pending.at(-1);
      if (last === undefined) return;
      await binding.handle(pending);
      follower.setCheckpoint(binding.name, last.position);
    }),
  );
  const failure = results.find((result) => result.status === 'rejected');
  if (failure !== undefined) throw failure.reason;
}

async function retry<T>(
  follower: LogFollower,
  logger: FollowerLogger,
  what: string,
  task: () => Promise<T>,
): Promise<T> {
  for (let failures = 1; ; failures++) {
    if (follower.stopped) throw new RebuildInterruptedError();
    try {
      return await task();
    } catch (error) {
      logger.error({ err: error, failures }, `Read-model rebuild: ${what} failed; retrying`);
      await follower.backoff(failures);
    }
  }
}
