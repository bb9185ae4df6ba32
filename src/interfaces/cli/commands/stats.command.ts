import { Command } from 'commander';
import type { EventStore } from '../../../application/ports/event-store.port.js';
import type { Runtime } from '../../../infrastructure/runtime/runtime.js';
import { formatCount, formatSeconds, writeReport, type CliIo } from '../io.js';
import { progressReporter, type Progress } from '../progress.js';
import { readModelStores } from '../read-models.js';
import type { WithRuntime } from '../runtime-session.js';

const BATCH = 1000;

interface LogStats {
  readonly head: number;
  readonly events: number;
  readonly streams: number;
  readonly eventsByType: Readonly<Record<string, number>>;
}

interface Stats extends LogStats {
  readonly mode: 'mongodb' | 'embedded';
  /** Stored checkpoints (MongoDB collections, or DATA_DIR/read-models.sqlite when embedded). */
  readonly readModels: readonly {
    readonly name: string;
    readonly checkpoint: number;
    readonly lag: number;
  }[];
}

/**
 * One pass over the log up to the head as of the start, in batches (constant memory but for the set
 * of stream ids, which is what counting streams costs with no index of them).
 */
async function scanLog(store: EventStore, progress: Progress): Promise<LogStats> {
  const head = await store.headPosition();
  const byType = new Map<string, number>();
  const streams = new Set<string>();
  let events = 0;
  for (let after = 0; after < head;) {
    const batch = (await store.readAll(after, Math.min(BATCH, head - after))).filter(
      (e) => e.position <= head,
    );
    const last = batch.at(-1);
    if (last === undefined) break;
    for (const event of batch) {
      byType.set(event.type, (byType.get(event.type) ?? 0) + 1);
      streams.add(event.streamId);
    }
    events += batch.length;
    after = last.position;
    progress.update(after, head);
  }
  const eventsByType = Object.fromEntries([...byType].sort(([a], [b]) => a.localeCompare(b)));
  return { head, events, streams: streams.size, eventsByType };
}

async function collect(runtime: Runtime, progress: Progress): Promise<Stats> {
  const { mode, eventStore } = runtime.storage;
  const log = await scanLog(eventStore, progress);
  // Both modes store their read models with checkpoints (embedded: DATA_DIR/read-models.sqlite).
  const readModels = await Promise.all(
    readModelStores(runtime.storage).map(async ({ name, store }) => {
      const checkpoint = await store.checkpoint();
      return { name, checkpoint, lag: Math.max(0, log.head - checkpoint) };
    }),
  );
  return { mode, ...log, readModels };
}

function report(stats: Stats, ms: number): string[] {
  const width = Math.max(0, ...Object.keys(stats.eventsByType).map((type) => type.length));
  return [
    `Store:          ${stats.mode}`,
    `Head position:  ${formatCount(stats.head)}`,
    `Events:         ${formatCount(stats.events)}`,
    `Streams:        ${formatCount(stats.streams)}`,
    'Events by type:',
    ...(stats.events === 0 ? ['  (none)'] : []),
    ...Object.entries(stats.eventsByType).map(
      ([type, n]) => `  ${type.padEnd(width)}  ${formatCount(n).padStart(10)}`,
    ),
    'Read-model checkpoints:',
    ...stats.readModels.map(
      ({ name, checkpoint, lag }) =>
        `  ${name.padEnd(16)}${formatCount(checkpoint).padStart(10)}  (${formatCount(lag)} behind)`,
    ),
    `Scanned in ${formatSeconds(ms)}.`,
  ];
}

export function statsCommand(io: CliIo, withRuntime: WithRuntime): Command {
  return new Command('stats')
    .description('Event-store statistics: head position, events by type, streams, read-model checkpoints.')
    .option('--json', 'print one JSON object instead of a table')
    .addHelpText(
      'after',
      '\nReads the whole log once (in batches); on a large store this takes a while and shows progress.',
    )
    .action(async (options: { json?: boolean }) => {
      await withRuntime(async (runtime) => {
        const progress = progressReporter('scan', io.err);
        const started = Date.now();
        let stats: Stats;
        try {
          stats = await collect(runtime, progress);
        } finally {
          progress.stop();
        }
        await writeReport(
          io.out,
          options.json === true,
          () => {
            const { eventsByType, readModels, ...rest } = stats;
            return { ...rest, events_by_type: eventsByType, read_models: readModels };
          },
          () => report(stats, Date.now() - started),
        );
      });
    });
}
