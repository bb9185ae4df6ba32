/**
 * Issue 13's bench figures, in one run on one machine:
 * 1. the append cost of the hash chain: appends/s through SqliteEventStore (chained) and, measured
 *    in the same run on the same events, the chain's own work (RFC 8785 + SHA-256) in events/s;
 *    without the chain an append would cost 1/appends − 1/hashes seconds;
 * 2. verify-log's engine over an N-event log (gen-events.js), in events/s, with the heap sampled
 *    along the way (flat memory: the verifier keeps only the running hash); under --expose-gc
 *    also the live heap (heapUsed right after a forced full GC, every 20 batches).
 *   node [--expose-gc] audit-chain.js <dir> <appends> <events>
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AesGcmSecretBox } from '../../src/infrastructure/crypto/aes-gcm-secret-box.js';
import { verifyLog } from '../../src/infrastructure/audit/log-verifier.js';
import { SqliteEventStore } from '../../src/infrastructure/event-store/sqlite-event-store.js';
import { chainHash, GENESIS_HASH } from '../../src/infrastructure/event-store/hash-chain.js';
import { FileSigningKeyRepository } from '../../src/infrastructure/tokens/file-signing-key-repository.js';
import { SigningKeyRing } from '../../src/infrastructure/tokens/signing-key-ring.js';

const [dir = '/tmp/audit-chain-bench', appendsArg = '20000', eventsArg = '1000000'] = process.argv.slice(2);
const appends = Number(appendsArg);
const events = Number(eventsArg);
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });

const metadata = {
  requestId: 'c0a8f0e2-5b1f-4a57-9d0e-2f4c1e7b9a10',
  ip: '10.1.2.3',
  userAgent: 'bench/1.0',
};
const data = (i: number) => ({ userId: `user-${i}`, email: `user-${i}@bench.example`, sessionId: `s-${i}` });

const store = new SqliteEventStore({ file: path.join(dir, 'appends.sqlite') });
let started = performance.now();
for (let i = 1; i <= appends; i += 1) {
  await store.append({
    streamId: `user-${i}`,
    expectedVersion: 'no_stream',
    events: [{ type: 'LoggedIn', data: data(i) }],
    metadata,
    occurredAt: new Date(1_700_000_000_000 + i),
  });
}
const appendSeconds = (performance.now() - started) / 1000;
await store.close();

started = performance.now();
let previous = GENESIS_HASH;
for (let i = 1; i <= appends; i += 1) {
  previous = chainHash(previous, {
    type: 'LoggedIn',
    version: 1,
    streamId: `user-${i}`,
    streamVersion: 1,
    position: i,
    occurredAt: new Date(1_700_000_000_000 + i),
    data: data(i),
    metadata,
  });
}
const hashSeconds = (performance.now() - started) / 1000;
const withoutSeconds = Math.max(appendSeconds - hashSeconds, Number.EPSILON);

const logFile = path.join(dir, 'log.sqlite');
const here = path.dirname(fileURLToPath(import.meta.url));
const generated = spawnSync(process.execPath, [path.join(here, 'gen-events.js'), logFile, String(events)], {
  stdio: ['ignore', 'ignore', 'inherit'],
});
if (generated.status !== 0) throw new Error('gen-events failed');

const keys = await SigningKeyRing.open(new FileSigningKeyRepository(dir), {
  algorithm: 'ES256',
  retiredKeyGraceSeconds: 60,
  now: () => new Date(),
  // Stored keys are sealed since the master key exists; a throwaway one does for a bench log.
  secretBox: new AesGcmSecretBox(new Uint8Array(randomBytes(32))),
});
const log = new SqliteEventStore({ file: logFile });
global.gc?.();
const heapBefore = process.memoryUsage().heapUsed;
let heapMax = heapBefore;
let liveHeapMax = heapBefore;
let batches = 0;
started = performance.now();
const result = await verifyLog(log, keys, {
  batchSize: 1000,
  onProgress: () => {
    heapMax = Math.max(heapMax, process.memoryUsage().heapUsed);
    batches += 1;
    if (global.gc !== undefined && batches % 20 === 0) {
      global.gc();
      liveHeapMax = Math.max(liveHeapMax, process.memoryUsage().heapUsed);
    }
  },
});
const verifySeconds = (performance.now() - started) / 1000;
await log.close();
if (!result.ok) throw new Error(`verify failed at ${result.position}: ${result.reason}`);

const mb = (bytes: number) => Math.round(bytes / 1e5) / 10;
process.stdout.write(
  `${JSON.stringify({
    appends,
    appendsPerSecondChained: Math.round(appends / appendSeconds),
    chainHashesPerSecond: Math.round(appends / hashSeconds),
    appendsPerSecondWithoutChain: Math.round(appends / withoutSeconds),
    chainShareOfAppend: Math.round((hashSeconds / appendSeconds) * 1000) / 1000,
    verifiedEvents: result.events,
    verifyEventsPerSecond: Math.round(result.events / verifySeconds),
    verifySeconds: Math.round(verifySeconds * 10) / 10,
    heapBeforeMb: mb(heapBefore),
    heapMaxMb: mb(heapMax),
    peakLiveHeapMb: global.gc === undefined ? null : mb(liveHeapMax),
  })}\n`,
);
