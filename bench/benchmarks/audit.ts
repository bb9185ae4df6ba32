/**
 * 6. The audit hash chain (issue 13), through bench/workers/audit-chain.ts in its own process:
 *   - the append cost of the chain: SQLite appends/s with the chain, against the appends/s left
 *     once the chain's own work (RFC 8785 + SHA-256 of the same events, timed in the same run) is
 *     taken out;
 *   - verify-log's speed over a generated log of BENCH_AUDIT_EVENTS events, against the pure
 *     hashing rate of the same run (verify-log reads, parses and hashes every event);
 *   - its memory: the peak live heap over that log against the same over a log 10× smaller
 *     (flat: the verifier keeps only the running hash and one batch).
 */
import path from 'node:path';
import { DATA_ROOT, log, round, settings } from '../support/env.js';
import { verdict, type Benchmark, type Row } from '../support/results.js';
import { runWorker } from '../support/worker.js';

/** The chain may cost at most a quarter of an append. */
const TARGET_APPEND_RATIO = 0.75;
/** Reading and parsing may cost at most as much again as hashing. */
const TARGET_VERIFY_RATIO = 0.5;
/** "Flat": 10× the events may keep at most 25 % more live heap. */
const TARGET_HEAP_RATIO = 1.25;

interface AuditChainRun {
  readonly appends: number;
  readonly appendsPerSecondChained: number;
  readonly chainHashesPerSecond: number;
  readonly appendsPerSecondWithoutChain: number;
  readonly chainShareOfAppend: number;
  readonly verifiedEvents: number;
  readonly verifyEventsPerSecond: number;
  readonly verifySeconds: number;
  readonly heapBeforeMb: number;
  readonly heapMaxMb: number;
  readonly peakLiveHeapMb: number | null;
}

const run = (events: number, appends: number): Promise<AuditChainRun> => {
  log(
    `audit: ${appends.toLocaleString('en')} appends, then verify-log over ${events.toLocaleString('en')} events`,
  );
  return runWorker<AuditChainRun>(
    'audit-chain.js',
    [path.join(DATA_ROOT, `audit-chain-${events}`), String(appends), String(events)],
    { nodeArgs: ['--expose-gc'] },
  );
};

const n = (value: number): string => Math.round(value).toLocaleString('en');

export const audit: Benchmark = {
  name: 'audit',
  title: '6. Audit hash chain',
  async run() {
    const small = await run(settings.auditSmallEvents, Math.min(settings.auditAppends, 1000));
    const large = await run(settings.auditEvents, settings.auditAppends);
    const appendRatio = large.appendsPerSecondChained / large.appendsPerSecondWithoutChain;
    const verifyRatio = large.verifyEventsPerSecond / large.chainHashesPerSecond;
    const liveLarge = large.peakLiveHeapMb ?? Number.NaN;
    const liveSmall = small.peakLiveHeapMb ?? Number.NaN;
    const heapRatio = liveLarge / liveSmall;
    const rows: Row[] = [
      {
        benchmark: `6 SQLite append with the hash chain (${n(large.appends)} appends)`,
        figure: `${n(large.appendsPerSecondChained)} appends/s`,
        limit: `${n(large.appendsPerSecondWithoutChain)} appends/s without it`,
        ratio: round(appendRatio, 3),
        target: `≥ ${TARGET_APPEND_RATIO.toFixed(2)}`,
        verdict: verdict(appendRatio >= TARGET_APPEND_RATIO),
        details: { large },
      },
      {
        benchmark: `6 verify-log over ${n(large.verifiedEvents)} events`,
        figure: `${n(large.verifyEventsPerSecond)} events/s (${large.verifySeconds} s)`,
        limit: `${n(large.chainHashesPerSecond)} hashes/s`,
        ratio: round(verifyRatio, 3),
        target: `≥ ${TARGET_VERIFY_RATIO.toFixed(2)}`,
        verdict: verdict(verifyRatio >= TARGET_VERIFY_RATIO),
        details: { large },
      },
      {
        benchmark: `6 verify-log peak live heap, ${n(large.verifiedEvents)} vs ${n(small.verifiedEvents)} events`,
        figure: `${liveLarge} MB`,
        limit: `${liveSmall} MB`,
        ratio: round(heapRatio, 3),
        target: `≤ ${TARGET_HEAP_RATIO.toFixed(2)} (flat)`,
        verdict: verdict(heapRatio <= TARGET_HEAP_RATIO),
        details: { large, small },
      },
    ];
    return { rows };
  },
};
