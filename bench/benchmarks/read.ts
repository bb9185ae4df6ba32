/**
 * 2. Authenticated read vs the framework limit. GET /users/me with a valid bearer token against
 * the service, and GET / against a bare Koa app answering a constant profile-sized JSON body
 * (bench/workers/bare-koa.ts): same Node, host, keep-alive settings, connections and request
 * headers. Targets: ratio ≥ 0.50; at half the service's maximum rate (open loop), p99 < 10 ms and
 * p99 ≤ 2 × the median of the same run (issue 15: the tail is the service time, not stalls).
 */
import { logIn, registerUsers } from '../support/api.js';
import { cpuWindow, type CpuWindow } from '../support/cpu.js';
import { log, round, settings, sleep } from '../support/env.js';
import { cannon, type CannonOptions, type LoadSummary } from '../support/load.js';
import { roundCpu } from '../support/login.js';
import { startListeningWorker } from '../support/process.js';
import type { Benchmark, Row } from '../support/results.js';
import { verdict } from '../support/results.js';
import { startServer } from '../support/server.js';

const TARGET_RATIO = 0.5;
const TARGET_P99_MS = 10;
const TARGET_TAIL_RATIO = 2;

async function measure(options: CannonOptions, pid: number) {
  let window: ReturnType<typeof cpuWindow> | undefined;
  let cpu: CpuWindow | undefined;
  const summary = await cannon({
    ...options,
    warmupS: settings.warmupS,
    onWindowStart: () => (window = cpuWindow({ server: pid })),
    onWindowEnd: () => (cpu = window === undefined ? undefined : roundCpu(window.end())),
  });
  if (summary.non2xx > 0 || summary.errors > 0) {
    throw new Error(
      `${options.urls.join(', ')}: ${summary.non2xx} non-2xx answers and ${summary.errors} errors`,
    );
  }
  if (cpu === undefined) throw new Error('the measured window never closed');
  return { summary, cpu };
}

export const read: Benchmark = {
  name: 'read',
  title: '2. GET /users/me vs a bare Koa handler',
  async run() {
    const server = await startServer();
    let me: Awaited<ReturnType<typeof measure>>;
    let half: LoadSummary;
    let headers: Record<string, string>;
    try {
      const [email] = await registerUsers(server.url, 'read', 1);
      const tokens = await logIn(server.url, email ?? '');
      headers = { authorization: `Bearer ${tokens.access_token}` };
      const base = { headers, connections: settings.readConnections, durationS: settings.durationS };
      log(`read: ${settings.durationS} s of GET /users/me, ${settings.readConnections} connections`);
      me = await measure({ ...base, urls: [`${server.url}/users/me`] }, server.pid);
      const rate = Math.max(1, Math.round(me.summary.rps / 2));
      log(`read: ${settings.durationS} s of GET /users/me at ${rate} req/s (half the maximum)`);
      await sleep(500);
      half = await cannon({
        ...base,
        urls: [`${server.url}/users/me`],
        overallRate: rate,
        warmupS: settings.warmupS,
      });
    } finally {
      await server.stop();
    }

    const bare = await startListeningWorker('bare-koa.js');
    let koa: Awaited<ReturnType<typeof measure>>;
    let koaHalf: LoadSummary;
    try {
      log(`read: ${settings.durationS} s of GET / on a bare Koa app`);
      koa = await measure(
        {
          headers,
          connections: settings.readConnections,
          durationS: settings.durationS,
          urls: [`${bare.url}/`],
        },
        bare.pid,
      );
      // The same open-loop load at half its own maximum: the tail the load generator and the
      // framework give a handler that does nothing, the limit of ours.
      const rate = Math.max(1, Math.round(koa.summary.rps / 2));
      log(`read: ${settings.durationS} s of GET / on a bare Koa app at ${rate} req/s (half its maximum)`);
      await sleep(500);
      koaHalf = await cannon({
        headers,
        connections: settings.readConnections,
        durationS: settings.durationS,
        urls: [`${bare.url}/`],
        overallRate: rate,
        warmupS: settings.warmupS,
      });
    } finally {
      await bare.stop();
    }

    const ratio = me.summary.rps / koa.summary.rps;
    const rows: Row[] = [
      {
        benchmark: '2 GET /users/me vs bare Koa',
        figure: `${round(me.summary.rps, 0)} req/s`,
        limit: `${round(koa.summary.rps, 0)} req/s`,
        ratio: round(ratio, 3),
        target: `≥ ${TARGET_RATIO.toFixed(2)}`,
        verdict: verdict(ratio >= TARGET_RATIO),
        details: { service: me, bareKoa: koa },
      },
      {
        benchmark: '2 GET /users/me p99 at half max rate',
        figure: `p99 ${half.p99Ms.toFixed(2)} ms at ${round(half.rps, 0)} req/s`,
        limit: `${TARGET_P99_MS} ms`,
        ratio: round(half.p99Ms / TARGET_P99_MS, 3),
        target: `p99 < ${TARGET_P99_MS} ms (< 1.00)`,
        verdict: verdict(half.non2xx === 0 && half.errors === 0 && half.p99Ms < TARGET_P99_MS),
        details: { halfRate: half, requestedRate: Math.round(me.summary.rps / 2) },
      },
      {
        benchmark: '2 GET /users/me p99 ÷ p50 at half max rate',
        figure: `p99 ${half.p99Ms.toFixed(2)} ms`,
        limit: `p50 ${half.p50Ms.toFixed(2)} ms`,
        ratio: round(half.p99Ms / half.p50Ms, 3),
        target: `≤ ${TARGET_TAIL_RATIO.toFixed(2)}`,
        verdict: verdict(half.p99Ms <= TARGET_TAIL_RATIO * half.p50Ms),
        details: { p50Ms: half.p50Ms, p90Ms: half.p90Ms, p99Ms: half.p99Ms },
      },
      {
        benchmark: '2 the same for bare Koa at half its max rate',
        figure: `p99 ${koaHalf.p99Ms.toFixed(2)} ms`,
        limit: `p50 ${koaHalf.p50Ms.toFixed(2)} ms`,
        ratio: round(koaHalf.p99Ms / koaHalf.p50Ms, 3),
        target: 'reported (the load generator)',
        verdict: 'info',
        details: { bareKoaHalf: koaHalf },
      },
    ];
    return { rows };
  },
};
