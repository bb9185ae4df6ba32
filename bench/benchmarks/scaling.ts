/**
 * 5. Scaling with processes: login throughput with 1 and then 2 `node dist/main.js` processes on
 * one embedded store (one SQLite file in one DATA_DIR; each process tails the log for the other's
 * appends), the load spread round-robin over both. Twice:
 *   - unpinned: every process may use every core. One process already keeps all cores busy with
 *     bcrypt (libuv's pool has 4 threads), so ~1.0 is the expected factor, not a failure;
 *   - pinned (taskset): 1 process on CPU 0, then a second one on CPU 1: scaling with cores.
 * No target in issue #6: the factor is reported (linear would be 2.00).
 */
import { logIn, registerUsers } from '../support/api.js';
import { log, round, settings, sleep } from '../support/env.js';
import { loginLoad, type LoginLoad } from '../support/login.js';
import type { Benchmark, Row } from '../support/results.js';
import { scratchDir, startServer, type RunningServer } from '../support/server.js';
import { rm } from 'node:fs/promises';
import { cpus } from 'node:os';

const USERS = 8;

/** Until a second instance has projected the users the first registered (it polls the log). */
async function waitUntilLoggable(url: string, emails: readonly string[]): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (const email of emails) {
    for (;;) {
      try {
        await logIn(url, email);
        break;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await sleep(200);
      }
    }
  }
}

async function measure(pinned: boolean): Promise<{ one: LoginLoad; two: LoginLoad }> {
  const dataDir = scratchDir('scaling');
  const servers: RunningServer[] = [];
  try {
    const a = await startServer({ dataDir, ...(pinned ? { cpus: '0' } : {}) });
    servers.push(a);
    const emails = await registerUsers(a.url, 'scaling', USERS);
    log(`scaling (${pinned ? 'pinned' : 'unpinned'}): 1 process`);
    const one = await loginLoad([a.url], emails, { a: a.pid });
    const b = await startServer({ dataDir, ...(pinned ? { cpus: '1' } : {}) });
    servers.push(b);
    await waitUntilLoggable(b.url, emails);
    log(`scaling (${pinned ? 'pinned' : 'unpinned'}): 2 processes`);
    const two = await loginLoad([a.url, b.url], emails, { a: a.pid, b: b.pid });
    return { one, two };
  } finally {
    for (const server of servers) await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

function row(name: string, { one, two }: { one: LoginLoad; two: LoginLoad }): Row {
  const factor = two.summary.rps / one.summary.rps;
  return {
    benchmark: `5 login scaling 1 → 2 processes, ${name}`,
    figure: `${round(two.summary.rps, 1)} login/s (2 proc)`,
    limit: `${round(one.summary.rps, 1)} login/s (1 proc)`,
    ratio: round(factor, 3),
    target: 'none (linear = 2.00)',
    verdict: 'info',
    details: { oneProcess: one, twoProcesses: two, scalingFactor: round(factor, 3) },
  };
}

export const scaling: Benchmark = {
  name: 'scaling',
  title: '5. Login throughput with 1 and 2 server processes on one store',
  async run() {
    const rows: Row[] = [row('unpinned (all cores each)', await measure(false))];
    if (cpus().length >= 2) rows.push(row('pinned (1 core each)', await measure(true)));
    return {
      rows,
      extra: { store: 'embedded SQLite shared by both processes', bcryptCost: settings.bcryptCost },
    };
  },
};
