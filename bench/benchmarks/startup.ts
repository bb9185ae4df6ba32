/**
 * 6. Embedded start-up. The service as operators run it (`node dist/main.js`) on the generated
 * stores of benchmark 4 (bench/workers/gen-events.ts, cached): a first start with no
 * read-models.sqlite catches the read models up from position 0 (reported), is stopped, and the
 * measured start resumes from the stored checkpoints. Figures: time from spawn to the first
 * 200 of /health/ready, and the resident set (VmRSS) right after it, large store ÷ small store.
 */
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { log, round, settings } from '../support/env.js';
import type { Benchmark, Row } from '../support/results.js';
import { verdict } from '../support/results.js';
import { startServer } from '../support/server.js';
import { eventStore } from './rebuild.js';

const TARGET_READY_S = 2;
const TARGET_RSS_RATIO = 1.5;
const READ_MODELS_FILE = 'read-models.sqlite';

interface Start {
  readonly readySeconds: number;
  readonly rssMB: number;
}

const rssOf = (pid: number): number => {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
  return kb === undefined ? Number.NaN : Number(kb) / 1024;
};

async function startOnce(dataDir: string): Promise<Start> {
  const started = performance.now();
  const server = await startServer({ dataDir, readyTimeoutMs: 900_000 });
  const readySeconds = (performance.now() - started) / 1000;
  const rssMB = rssOf(server.pid);
  await server.stop();
  return { readySeconds, rssMB };
}

async function measure(events: number): Promise<{ first: Start; resumed: Start }> {
  const { dir } = await eventStore(events);
  for (const suffix of ['', '-wal', '-shm'])
    rmSync(path.join(dir, `${READ_MODELS_FILE}${suffix}`), { force: true });
  log(`startup: first start on ${events.toLocaleString('en')} events (read models from position 0)`);
  const first = await startOnce(dir);
  log(`startup: start on ${events.toLocaleString('en')} events, resuming from the checkpoints`);
  const resumed = await startOnce(dir);
  return { first, resumed };
}

export const startup: Benchmark = {
  name: 'startup',
  title: '6. Embedded start-up with a large log',
  async run() {
    const n = (value: number): string => value.toLocaleString('en');
    const large = await measure(settings.rebuildLarge);
    const small = await measure(settings.rebuildSmall);
    const rssRatio = large.resumed.rssMB / small.resumed.rssMB;
    const rows: Row[] = [
      {
        benchmark: `6 embedded start to ready, ${n(settings.rebuildLarge)} events`,
        figure: `${round(large.resumed.readySeconds, 2)} s`,
        limit: `${TARGET_READY_S} s`,
        ratio: round(large.resumed.readySeconds / TARGET_READY_S, 3),
        target: `≤ ${TARGET_READY_S} s`,
        verdict: verdict(large.resumed.readySeconds <= TARGET_READY_S),
        details: { large, small },
      },
      {
        benchmark: `6 embedded RSS after start, ${n(settings.rebuildLarge)} vs ${n(settings.rebuildSmall)} events`,
        figure: `${round(large.resumed.rssMB, 0)} MB`,
        limit: `${round(small.resumed.rssMB, 0)} MB`,
        ratio: round(rssRatio, 3),
        target: `≤ ${TARGET_RSS_RATIO}`,
        verdict: verdict(rssRatio <= TARGET_RSS_RATIO),
        details: { large, small },
      },
      {
        benchmark: `6 embedded first start (read models from 0), ${n(settings.rebuildLarge)} events`,
        figure: `${round(large.first.readySeconds, 1)} s, ${round(large.first.rssMB, 0)} MB`,
        limit: '-',
        ratio: null,
        target: 'none (reported)',
        verdict: 'info',
        details: { large: large.first, small: small.first },
      },
    ];
    return { rows };
  },
};
