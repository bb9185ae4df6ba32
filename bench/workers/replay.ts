/**
 * Replays an embedded event store into the read models, in a process of its own so its peak RSS
 * is its own. Prints JSON.
 *   node --expose-gc replay.js memory  <data-dir>   the embedded mode's first start: Runtime.boot +
 *                                                    catchUpReadModels into SQLite read models,
 *                                                    from zero (read-models.sqlite is removed first)
 *   node --expose-gc replay.js discard <data-dir>   the same ProjectionRunner and projections over
 *                                                    stores that keep nothing: the replay alone
 */
import 'reflect-metadata';
import { rmSync } from 'node:fs';
import path from 'node:path';
import type {
  PositionedDoc,
  DocChange,
  ProjectionStore,
} from '../../src/application/ports/projection-store.port.js';
import {
  loginAttemptsProjection,
  sessionsProjection,
  usersProjection,
} from '../../src/application/projections/index.js';
import { loadConfig } from '../../src/infrastructure/config/config.js';
import { SqliteEventStore } from '../../src/infrastructure/event-store/sqlite-event-store.js';
import { createLogger } from '../../src/infrastructure/logging/pino-logger.js';
import { LogFollower } from '../../src/infrastructure/log-follower/log-follower.js';
import { bind } from '../../src/infrastructure/log-follower/read-model-batch.js';
import { ReadModels } from '../../src/infrastructure/log-follower/read-models.js';
import { Runtime } from '../../src/infrastructure/runtime/runtime.js';
import { READ_MODELS_FILE } from '../../src/infrastructure/runtime/storage.js';

const [mode, dataDir] = process.argv.slice(2);
if ((mode !== 'memory' && mode !== 'discard') || dataDir === undefined) {
  throw new Error('usage: replay.js memory|discard <data-dir>');
}

const MB = 2 ** 20;
const rssMB = (): number => process.memoryUsage().rss / MB;
const gc = (): void => (globalThis as { gc?: () => void }).gc?.();

/**
 * The live heap (heapUsed right after a full GC) at its highest during the replay, sampled every
 * SAMPLE_EVERY saves (~20 batches of 500 events in discard mode): what a replay *keeps*. Peak RSS
 * also moves with V8's heap sizing and the allocator, which keep freed memory for reuse.
 */
const SAMPLE_EVERY = 60;
let peakLiveHeapMB = 0;
let samples = 0;
const sampleLiveHeap = (): void => {
  gc();
  samples += 1;
  peakLiveHeapMB = Math.max(peakLiveHeapMB, process.memoryUsage().heapUsed / MB);
};
let saves = 0;

/** Counts what it is given and keeps nothing: every load finds nothing, every save is dropped. */
class DiscardStore<Doc extends object> implements ProjectionStore<Doc> {
  private position = 0;
  saved = 0;
  load(_ids: readonly string[]): Promise<Map<string, PositionedDoc<Doc>>> {
    return Promise.resolve(new Map<string, PositionedDoc<Doc>>());
  }
  save(changes: readonly DocChange<Doc>[]): Promise<void> {
    this.saved += changes.length;
    if (++saves % SAMPLE_EVERY === 0) sampleLiveHeap();
    return Promise.resolve();
  }
  checkpoint(): Promise<number> {
    return Promise.resolve(this.position);
  }
  saveCheckpoint(position: number): Promise<void> {
    this.position = position;
    return Promise.resolve();
  }
  reset(): Promise<void> {
    this.position = 0;
    return Promise.resolve();
  }
  scrub(): Promise<void> {
    return Promise.resolve();
  }
}

gc();
const rssBefore = rssMB();
let events: number;
let seconds: number;
let heapAfterMB: number;
let saved: number | undefined;

if (mode === 'memory') {
  // From zero: a previous run (or the start-up benchmark) left checkpoints at the head.
  for (const suffix of ['', '-wal', '-shm']) {
    rmSync(path.join(dataDir, `${READ_MODELS_FILE}${suffix}`), { force: true });
  }
  const config = loadConfig({
    DATA_DIR: dataDir,
    BCRYPT_COST: '10',
    LOG_LEVEL: 'silent',
    JWT_ISSUER: 'http://bench.local',
  });
  const runtime = await Runtime.boot(config, createLogger('silent', { pretty: false }));
  events = await runtime.storage.eventStore.headPosition();
  const started = performance.now();
  await runtime.catchUpReadModels();
  seconds = (performance.now() - started) / 1000;
  gc();
  heapAfterMB = process.memoryUsage().heapUsed / MB;
  await runtime.stop();
} else {
  const store = new SqliteEventStore({ file: path.join(dataDir, 'events.sqlite') });
  const stores = [new DiscardStore(), new DiscardStore(), new DiscardStore()] as const;
  const follower = new LogFollower(store);
  const runner = new ReadModels(follower, store, [
    bind(usersProjection, stores[0]),
    bind(sessionsProjection, stores[1]),
    bind(loginAttemptsProjection, stores[2]),
  ]);
  events = await store.headPosition();
  const started = performance.now();
  follower.start();
  while (!(await runner.waitFor(events, 60_000)))
    process.stderr.write(`replaying: ${JSON.stringify(runner.positions())}\n`);
  seconds = (performance.now() - started) / 1000;
  gc();
  heapAfterMB = process.memoryUsage().heapUsed / MB;
  saved = stores.reduce((sum, s) => sum + s.saved, 0);
  await follower.stop();
  await store.close();
}

process.stdout.write(
  `${JSON.stringify({
    mode,
    events,
    seconds,
    eventsPerSecond: events / seconds,
    rssBeforeMB: rssBefore,
    peakRssMB: process.resourceUsage().maxRSS / 1024,
    heapAfterGcMB: heapAfterMB,
    ...(mode === 'discard' ? { peakLiveHeapMB, liveHeapSamples: samples } : {}),
    ...(saved === undefined ? {} : { documentsWrittenAndDropped: saved }),
  })}\n`,
);
