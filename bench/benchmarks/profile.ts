/**
 * Not among the five: the server under `node --cpu-prof` during a measured load, then the main
 * thread's top self-time functions and modules, counted over the measured window only.
 *   profile       benchmark 1's login phase (at BENCH_BCRYPT_COST). bcrypt runs on libuv's pool,
 *                 so this shows everything else a login costs (what benchmark 1's ratio bounds).
 *   profile-read  benchmark 2's GET /users/me phase (closed loop).
 *   profile-refresh  benchmark 3's embedded rotation (64 chains, closed loop).
 * The .cpuprofile is kept in bench/profiles/ (git-ignored) for Chrome DevTools.
 */
import { mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { logIn, pool, registerUsers } from '../support/api.js';
import { log, PROFILE_ROOT, round, settings } from '../support/env.js';
import { cannon, refreshChains } from '../support/load.js';
import { formatProfile, summariseProfile } from '../support/profile.js';
import type { Benchmark, Row } from '../support/results.js';
import { startServer } from '../support/server.js';
import { measureLoginWindow } from './login.js';

interface Window {
  readonly fromUs: number;
  readonly toUs: number;
}

const monotonicUs = (): number => Number(process.hrtime.bigint() / 1000n);

async function profiled(
  name: string,
  measure: (nodeArgs: readonly string[]) => Promise<{ row: Row; windowUs: Window }>,
) {
  const dir = path.join(PROFILE_ROOT, `${name}-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const { row, windowUs } = await measure(['--cpu-prof', `--cpu-prof-dir=${dir}`]);
  const file = (await readdir(dir)).find((entry) => entry.endsWith('.cpuprofile'));
  if (file === undefined) throw new Error(`no .cpuprofile written in ${dir}`);
  // Only the measured window: start-up, set-up and warm-up are not the path being profiled.
  const summary = await summariseProfile(path.join(dir, file), windowUs);
  const whole = await summariseProfile(path.join(dir, file));
  log(`${name}: ${path.relative(process.cwd(), summary.file)}\n${formatProfile(summary)}`);
  return {
    rows: [{ ...row, benchmark: `${row.benchmark}, under --cpu-prof` }],
    extra: {
      profile: summary,
      wholeProcess: { busyMs: whole.busyMs, idleMs: whole.idleMs, wallMs: whole.wallMs },
    },
  };
}

export const profile: Benchmark = {
  name: 'profile',
  title: 'Login path CPU profile (node --cpu-prof)',
  run: () => profiled('login', (nodeArgs) => measureLoginWindow(settings.bcryptCost, nodeArgs)),
};

/**
 * A fresh embedded server under the profiler while `drive` loads it; `drive` marks the measured
 * window and returns the rate it reached, in `unit`.
 */
const profiledServer = (
  name: string,
  benchmark: string,
  unit: string,
  drive: (url: string, windowUs: { fromUs: number; toUs: number }) => Promise<number>,
) =>
  profiled(name, async (nodeArgs) => {
    const server = await startServer({ nodeArgs });
    const windowUs = { fromUs: 0, toUs: 0 };
    try {
      const rps = await drive(server.url, windowUs);
      const row: Row = {
        benchmark,
        figure: `${round(rps, 0)} ${unit}`,
        limit: '-',
        ratio: null,
        target: 'none (profiled)',
        verdict: 'info',
        details: { rps },
      };
      return { row, windowUs };
    } finally {
      await server.stop();
    }
  });

export const profileRead: Benchmark = {
  name: 'profile-read',
  title: 'GET /users/me CPU profile (node --cpu-prof)',
  run: () =>
    profiledServer('read', '2 GET /users/me', 'req/s', async (url, windowUs) => {
      const [email] = await registerUsers(url, 'profile-read', 1);
      const tokens = await logIn(url, email ?? '');
      const summary = await cannon({
        urls: [`${url}/users/me`],
        headers: { authorization: `Bearer ${tokens.access_token}` },
        connections: settings.readConnections,
        durationS: settings.durationS,
        warmupS: settings.warmupS,
        onWindowStart: () => (windowUs.fromUs = monotonicUs()),
        onWindowEnd: () => (windowUs.toUs = monotonicUs()),
      });
      return summary.rps;
    }),
};

export const profileRefresh: Benchmark = {
  name: 'profile-refresh',
  title: 'Refresh rotation CPU profile (node --cpu-prof)',
  run: () =>
    profiledServer('refresh', '3 refresh rotation, embedded', 'refresh/s', async (url, windowUs) => {
      const emails = await registerUsers(url, 'profile-refresh', 4);
      const sessions = await pool(settings.refreshSessions, 4, (i) => logIn(url, emails[i % 4] ?? ''));
      let tokens = sessions.map((s) => s.refresh_token);
      if (settings.warmupS > 0)
        tokens = [...(await refreshChains(url, tokens, settings.warmupS)).finalTokens];
      windowUs.fromUs = monotonicUs();
      const chains = await refreshChains(url, tokens, settings.durationS);
      windowUs.toUs = monotonicUs();
      return chains.rps;
    }),
};
