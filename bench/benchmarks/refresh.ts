/**
 * 3. Refresh rotation per second per core: POST /auth/refresh chains (each sends the token its
 * previous answer returned: append TokenRefreshed + projection + signing), on the embedded store
 * and on MongoDB. "Per core" divides by the CPU the service process (and, for MongoDB, the
 * database server process) actually used during the window, read from /proc, so other load on
 * the machine does not change the figure much. No target in issue #6: reported.
 */
import { logIn, pool, registerUsers } from '../support/api.js';
import { cpuWindow, type CpuWindow } from '../support/cpu.js';
import { log, round, settings } from '../support/env.js';
import { refreshChains } from '../support/load.js';
import { roundCpu } from '../support/login.js';
import { startMongo } from '../support/mongo.js';
import { findPid } from '../support/process.js';
import type { Benchmark, Row } from '../support/results.js';
import { startServer, type ServerOptions } from '../support/server.js';

const USERS = 4;

async function measureRefresh(label: string, options: ServerOptions, storePid?: () => number | undefined) {
  const server = await startServer(options);
  try {
    const emails = await registerUsers(server.url, `refresh-${Date.now()}`, USERS);
    const sessions = await pool(settings.refreshSessions, 4, (i) =>
      logIn(server.url, emails[i % USERS] ?? ''),
    );
    let tokens = sessions.map((s) => s.refresh_token);
    if (settings.warmupS > 0)
      tokens = [...(await refreshChains(server.url, tokens, settings.warmupS)).finalTokens];
    const pids: Record<string, number> = { server: server.pid };
    const store = storePid?.();
    if (store !== undefined) pids['store'] = store;
    log(`refresh, ${label}: ${settings.durationS} s of rotation, ${tokens.length} chains`);
    const window = cpuWindow(pids);
    // The window closes at the deadline, not when the last chain's request in flight returns.
    let cpu: CpuWindow | undefined;
    const closer = setTimeout(() => (cpu = roundCpu(window.end())), settings.durationS * 1000);
    const { finalTokens: _final, ...chains } = await refreshChains(server.url, tokens, settings.durationS);
    clearTimeout(closer);
    cpu ??= roundCpu(window.end());
    const serverCores = cpu.processes['server'] ?? Number.NaN;
    const storeCores = cpu.processes['store'] ?? 0;
    return {
      chains,
      cpu,
      perServerCore: round(chains.rps / serverCores, 1),
      perServiceAndStoreCore: round(chains.rps / (serverCores + storeCores), 1),
    };
  } finally {
    await server.stop();
  }
}

function row(name: string, result: Awaited<ReturnType<typeof measureRefresh>>, server: string): Row {
  const { chains, perServerCore, perServiceAndStoreCore, cpu } = result;
  const withStore =
    cpu.processes['store'] === undefined ? '' : `, ${perServiceAndStoreCore}/s per core incl. the DB`;
  return {
    benchmark: `3 refresh rotation, ${name}`,
    figure: `${perServerCore} refresh/s per core (${round(chains.rps, 0)}/s on ${cpu.processes['server']} cores${withStore})`,
    limit: '-',
    ratio: null,
    target: 'none (reported)',
    verdict: chains.brokenChains === 0 && chains.non2xx === 0 ? 'info' : 'miss',
    details: { server, ...result },
  };
}

export const refresh: Benchmark = {
  name: 'refresh',
  title: '3. Refresh rotation per second per core',
  async run() {
    const rows: Row[] = [];
    rows.push(
      row(
        'embedded',
        await measureRefresh('embedded', {}),
        'embedded SQLite (node:sqlite), in-memory read models',
      ),
    );
    if (!settings.mongo) return { rows, extra: { mongo: 'skipped (BENCH_MONGO=0)' } };
    const mongo = await startMongo();
    try {
      log(`refresh: MongoDB server: ${mongo.label}`);
      const port = /:(\d+)(\/|$|\?)/.exec(mongo.uri.replace(/^mongodb:\/\//, ''))?.[1];
      const storePid = () =>
        mongo.isFerretDb && port !== undefined ? findPid(`--listen-addr=127.0.0.1:${port}`) : undefined;
      const result = await measureRefresh(
        'mongodb',
        { mongoUri: mongo.uriFor(`bench_refresh_${Date.now()}`) },
        storePid,
      );
      const name = mongo.isFerretDb ? 'MongoDB API on FerretDB 1.24.2 (SQLite)' : `MongoDB (${mongo.label})`;
      rows.push(row(name, result, mongo.label));
    } finally {
      await mongo.stop();
    }
    return { rows };
  },
};
