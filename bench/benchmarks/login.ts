/**
 * 1. Login throughput vs the bcrypt limit. The limit: `bcrypt.compare` per second at the cost,
 * kept 8 deep on libuv's pool in a process of its own (all cores), measured before and after the
 * login phase (the mean is the limit, which halves the effect of drifting background load). The
 * figure: end-to-end POST /auth/login per second against `node dist/main.js` at the same cost.
 * Target ≥ 0.90: everything that is not bcrypt must cost under 10 %.
 */
import { registerUsers } from '../support/api.js';
import { log, round, settings } from '../support/env.js';
import { loginLoad, type LoginLoad } from '../support/login.js';
import type { Benchmark, Row } from '../support/results.js';
import { verdict } from '../support/results.js';
import { startServer } from '../support/server.js';
import { runWorker } from '../support/worker.js';

interface BcryptLimit {
  readonly cost: number;
  readonly concurrency: number;
  readonly threads: number;
  readonly compares: number;
  readonly perSecond: number;
  readonly msPerCompare: number;
}

const TARGET = 0.9;
const USERS = 8;

export const bcryptLimit = async (cost: number): Promise<BcryptLimit> =>
  runWorker<BcryptLimit>('bcrypt-limit.js', [String(cost), String(settings.durationS), '8']);

/** One cost: limit, login phase, limit again. `nodeArgs` go to the server (e.g. --cpu-prof). */
export async function measureLogin(cost: number, nodeArgs: readonly string[] = []): Promise<Row> {
  return (await measureLoginWindow(cost, nodeArgs)).row;
}

/** measureLogin, with the measured window's monotonic-clock bounds (to cut a CPU profile to it). */
export async function measureLoginWindow(
  cost: number,
  nodeArgs: readonly string[] = [],
): Promise<{ row: Row; windowUs: LoginLoad['windowUs'] }> {
  log(`login, cost ${cost}: bcrypt limit (before)`);
  const before = await bcryptLimit(cost);
  const server = await startServer({ bcryptCost: cost, nodeArgs });
  let load;
  try {
    const emails = await registerUsers(server.url, `login-${cost}`, USERS);
    log(
      `login, cost ${cost}: ${settings.durationS} s of POST /auth/login, ${settings.loginConnections} connections`,
    );
    load = await loginLoad([server.url], emails, { server: server.pid });
  } finally {
    await server.stop();
  }
  log(`login, cost ${cost}: bcrypt limit (after)`);
  const after = await bcryptLimit(cost);
  const limit = (before.perSecond + after.perSecond) / 2;
  const ratio = load.summary.rps / limit;
  const row: Row = {
    benchmark: `1 login vs bcrypt (cost ${cost})`,
    figure: `${round(load.summary.rps, 1)} login/s`,
    limit: `${round(limit, 1)} compare/s`,
    ratio: round(ratio, 3),
    target: `≥ ${TARGET.toFixed(2)}`,
    verdict: verdict(ratio >= TARGET),
    details: {
      cost,
      loginsPerSecond: load.summary.rps,
      login: load.summary,
      cpu: load.cpu,
      bcryptLimitBefore: before,
      bcryptLimitAfter: after,
      bcryptLimitPerSecond: round(limit, 2),
    },
  };
  return { row, windowUs: load.windowUs };
}

export const login: Benchmark = {
  name: 'login',
  title: '1. Login throughput vs the bcrypt limit',
  async run() {
    const costs = [settings.bcryptCost, ...(settings.alsoCost12 && settings.bcryptCost !== 12 ? [12] : [])];
    const rows: Row[] = [];
    for (const cost of costs) rows.push(await measureLogin(cost));
    return { rows };
  },
};
