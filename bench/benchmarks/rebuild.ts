/**
 * 4. Projection rebuild. Generates embedded event stores of N events (bench/workers/gen-events.ts;
 * cached under the scratch directory, keyed by N) and replays each in a fresh process
 * (bench/workers/replay.ts):
 *   - "memory": the embedded mode's first start (Runtime.boot + catchUpReadModels with no
 *     read-models.sqlite yet), i.e. every event into all three SQLite read models (users, sessions,
 *     login attempts): the events/s figure. Later starts resume from the checkpoints (startup.ts);
 *   - "discard": the same ProjectionRunner and projections over stores that keep nothing: the
 *     replay alone, whose memory must not grow with the log (streaming, not loading). Judged on
 *     the peak *live* heap (heapUsed after a forced full GC, sampled every ~10k events); peak RSS
 *     is reported too, but it also follows V8's heap sizing (garbage not yet collected, memory
 *     kept for reuse), which grows under a long allocation-heavy run without anything retained.
 * The peak RSS of that first start is reported, not judged (SQLite's page cache and the batches).
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DATA_ROOT, log, round, settings } from '../support/env.js';
import type { Benchmark, Row } from '../support/results.js';
import { verdict } from '../support/results.js';
import { runWorker } from '../support/worker.js';

/** "Flat": the replay of 10× the events may keep at most 25 % more live memory. */
const TARGET_RSS_RATIO = 1.25;

interface Generated {
  readonly events: number;
  readonly seconds: number;
  readonly eventsPerSecond: number;
}

interface Replay {
  readonly mode: 'memory' | 'discard';
  readonly events: number;
  readonly seconds: number;
  readonly eventsPerSecond: number;
  readonly rssBeforeMB: number;
  readonly peakRssMB: number;
  readonly heapAfterGcMB: number;
  /** discard mode: the highest heapUsed right after a forced full GC, sampled through the replay. */
  readonly peakLiveHeapMB?: number;
}

/** A store of exactly `events` events, generated once and reused while its marker says so. */
export async function eventStore(events: number): Promise<{ dir: string; generated: Generated | 'cached' }> {
  const dir = path.join(DATA_ROOT, `rebuild-${events}`);
  const marker = path.join(dir, 'generated.json');
  if (!settings.regenerate && existsSync(marker) && existsSync(path.join(dir, 'events.sqlite'))) {
    const cached = JSON.parse(await readFile(marker, 'utf8')) as Generated;
    if (cached.events === events) return { dir, generated: 'cached' };
  }
  await mkdir(dir, { recursive: true });
  log(`rebuild: generating ${events.toLocaleString('en')} events (cached for the next run)`);
  const generated = await runWorker<Generated>('gen-events.js', [
    path.join(dir, 'events.sqlite'),
    String(events),
  ]);
  if (generated.events !== events) throw new Error(`generated ${generated.events} events, wanted ${events}`);
  await writeFile(marker, JSON.stringify(generated));
  return { dir, generated };
}

const replay = (mode: Replay['mode'], dir: string): Promise<Replay> => {
  log(`rebuild: replay (${mode}) of ${path.basename(dir)}`);
  return runWorker<Replay>('replay.js', [mode, dir], { nodeArgs: ['--expose-gc'] });
};

const mb = (value: number): string => `${round(value, 0)} MB`;

export const rebuild: Benchmark = {
  name: 'rebuild',
  title: '4. Projection rebuild',
  async run() {
    const small = await eventStore(settings.rebuildSmall);
    const large = await eventStore(settings.rebuildLarge);
    const memoryLarge = await replay('memory', large.dir);
    const memorySmall = await replay('memory', small.dir);
    const discardLarge = await replay('discard', large.dir);
    const discardSmall = await replay('discard', small.dir);
    const n = (value: number): string => value.toLocaleString('en');
    const liveLarge = discardLarge.peakLiveHeapMB ?? Number.NaN;
    const liveSmall = discardSmall.peakLiveHeapMB ?? Number.NaN;
    const liveRatio = liveLarge / liveSmall;
    const rows: Row[] = [
      {
        benchmark: `4 rebuild ${n(settings.rebuildLarge)} events, all read models`,
        figure: `${n(round(memoryLarge.eventsPerSecond, 0))} events/s (${round(memoryLarge.seconds, 1)} s)`,
        limit: '-',
        ratio: null,
        target: 'none (reported)',
        verdict: 'info',
        details: { memory: memoryLarge, generated: large.generated, replayAlone: discardLarge },
      },
      {
        benchmark: `4 rebuild peak live heap ${n(settings.rebuildLarge)} vs ${n(settings.rebuildSmall)}, replay`,
        figure: mb(liveLarge),
        limit: mb(liveSmall),
        ratio: round(liveRatio, 3),
        target: `≤ ${TARGET_RSS_RATIO.toFixed(2)} (flat)`,
        verdict: verdict(liveRatio <= TARGET_RSS_RATIO),
        details: { large: discardLarge, small: discardSmall },
      },
      {
        benchmark: `4 rebuild peak RSS ${n(settings.rebuildLarge)} vs ${n(settings.rebuildSmall)}, replay`,
        figure: mb(discardLarge.peakRssMB),
        limit: mb(discardSmall.peakRssMB),
        ratio: round(discardLarge.peakRssMB / discardSmall.peakRssMB, 3),
        target: 'none (V8 heap sizing)',
        verdict: 'info',
        details: { large: discardLarge, small: discardSmall },
      },
      {
        benchmark: `4 rebuild peak RSS ${n(settings.rebuildLarge)} vs ${n(settings.rebuildSmall)}, SQLite read models`,
        figure: `${mb(memoryLarge.peakRssMB)} (heap ${mb(memoryLarge.heapAfterGcMB)})`,
        limit: `${mb(memorySmall.peakRssMB)} (heap ${mb(memorySmall.heapAfterGcMB)})`,
        ratio: round(memoryLarge.peakRssMB / memorySmall.peakRssMB, 3),
        target: 'none (reported)',
        verdict: 'info',
        details: { large: memoryLarge, small: memorySmall, generatedSmall: small.generated },
      },
    ];
    return { rows };
  },
};
