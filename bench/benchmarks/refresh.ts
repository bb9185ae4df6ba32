/**
 * 3. Refresh rotation per second per core: POST /auth/refresh chains (each sends the token its
 * previous answer returned: append TokenRefreshed + projection + signing), on the embedded store
 * and on MongoDB. "Per core" divides by the CPU the service process (and, for MongoDB, the
 * database server process) actually used during the window, read from /proc, so other load on
 * the machine does not change the figure much. No target in issue #6: reported.
 *
 * Aged sessions (issue 15): on one embedded server, refresh/s on sessions that already have
 * AGED_REFRESHES prior refreshes ÷ refresh/s on fresh sessions, same number of chains, measured
 * in the same run. The history is appended straight into the server's SQLite log (as the server
 * itself would have written it, the last digest being that of a token we hold), and the
 * measurement waits for the server's read models to take it in, so the projection of the set-up
 * does not run during the window. The warm-up phase includes each aged session's first fold
 * (the stream-state cache is empty for them); the window is the steady state.
 */
import { createHash, randomBytes } from 'node:crypto';
import path from 'node:path';
import { SqliteEventStore } from '../../src/infrastructure/event-store/sqlite-event-store.js';
import { logIn, pool, registerUsers } from '../support/api.js';
import { cpuWindow, type CpuWindow } from '../support/cpu.js';
import { log, round, settings, sleep } from '../support/env.js';
import { refreshChains } from '../support/load.js';
import { roundCpu } from '../support/login.js';
import { startMongo } from '../support/mongo.js';
import { findPid } from '../support/process.js';
import type { Benchmark, Row } from '../support/results.js';
import { verdict } from '../support/results.js';
import { startServer, type ServerOptions } from '../support/server.js';

const USERS = 4;
/** Prior refreshes of every aged session, and the ratio it must keep of the fresh rate. */
const AGED_REFRESHES = 3_000;
const TARGET_AGED_RATIO = 0.9;
/** Chains in each phase of the aged comparison (each aged one is AGED_REFRESHES events of set-up). */
const AGED_CHAINS = 16;
const APPEND_BATCH = 500;

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

const digestOf = (token: string): string => createHash('sha256').update(token, 'utf8').digest('base64url');

/**
 * Gives each session AGED_REFRESHES TokenRefreshed events (random digests, the last one the
 * digest of a new token returned for it), appended in batches as the server would have.
 */
async function age(dataDir: string, refreshTokens: readonly string[]): Promise<string[]> {
  const store = new SqliteEventStore({ file: path.join(dataDir, 'events.sqlite') });
  try {
    const aged: string[] = [];
    for (const token of refreshTokens) {
      const sessionId = token.slice(0, 36);
      const streamId = `session-${sessionId}`;
      const [loggedIn] = await store.readStream(streamId);
      const userId = loggedIn?.data['userId'];
      if (typeof userId !== 'string') throw new Error(`no LoggedIn in ${streamId}`);
      const next = `${sessionId}.${randomBytes(32).toString('base64url')}`;
      const expiresAt = new Date(Date.now() + 7 * 86_400_000).toISOString();
      for (let done = 0; done < AGED_REFRESHES; done += APPEND_BATCH) {
        const count = Math.min(APPEND_BATCH, AGED_REFRESHES - done);
        const events = Array.from({ length: count }, (_, i) => ({
          type: 'TokenRefreshed',
          data: {
            sessionId,
            userId,
            refreshTokenDigest:
              done + i === AGED_REFRESHES - 1 ? digestOf(next) : randomBytes(32).toString('base64url'),
            expiresAt,
          },
        }));
        await store.append({
          streamId,
          expectedVersion: 'any',
          events,
          metadata: { requestId: 'bench-aging', actorId: userId },
          occurredAt: new Date(),
        });
      }
      aged.push(next);
    }
    return aged;
  } finally {
    await store.close();
  }
}

/** Until /health/ready says the read models have taken in everything (no set-up work in the window). */
async function projected(url: string): Promise<void> {
  const deadline = Date.now() + 300_000;
  while (Date.now() < deadline) {
    const body = (await (await fetch(`${url}/health/ready`)).text()).replace(/\s/g, '');
    if (body.includes('"0eventsbehind"')) return;
    await sleep(250);
  }
  throw new Error('the read models did not catch up with the aged sessions');
}

async function measureAged() {
  const server = await startServer({});
  try {
    if (server.dataDir === undefined) throw new Error('the embedded server has no data directory');
    const emails = await registerUsers(server.url, `aged-${Date.now()}`, USERS);
    const login = (i: number) => logIn(server.url, emails[i % USERS] ?? '');
    const fresh = (await pool(AGED_CHAINS, 4, login)).map((s) => s.refresh_token);
    const old = (await pool(AGED_CHAINS, 4, login)).map((s) => s.refresh_token);
    log(
      `refresh, aged: appending ${AGED_REFRESHES.toLocaleString('en')} prior refreshes to ${AGED_CHAINS} sessions`,
    );
    const aged = await age(server.dataDir, old);
    await projected(server.url);
    const phase = async (label: string, tokens: readonly string[]) => {
      const warm =
        settings.warmupS > 0
          ? (await refreshChains(server.url, tokens, settings.warmupS)).finalTokens
          : tokens;
      log(`refresh, ${label}: ${settings.durationS} s of rotation, ${warm.length} chains`);
      const window = cpuWindow({ server: server.pid });
      const { finalTokens: _final, ...chains } = await refreshChains(server.url, warm, settings.durationS);
      return { chains, cpu: roundCpu(window.end()) };
    };
    const freshRun = await phase('fresh sessions', fresh);
    const agedRun = await phase(`sessions with ${AGED_REFRESHES.toLocaleString('en')} prior refreshes`, aged);
    return { fresh: freshRun, aged: agedRun };
  } finally {
    await server.stop();
  }
}

function agedRow(result: Awaited<ReturnType<typeof measureAged>>): Row {
  const { fresh, aged } = result;
  const ratio = aged.chains.rps / fresh.chains.rps;
  const intact = fresh.chains.brokenChains + aged.chains.brokenChains === 0;
  return {
    benchmark: `3 refresh on sessions with ${AGED_REFRESHES.toLocaleString('en')} prior refreshes ÷ fresh, embedded`,
    figure: `${round(aged.chains.rps, 0)} refresh/s (p99 ${round(aged.chains.p99Ms, 1)} ms)`,
    limit: `${round(fresh.chains.rps, 0)} refresh/s (p99 ${round(fresh.chains.p99Ms, 1)} ms)`,
    ratio: round(ratio, 3),
    target: `≥ ${TARGET_AGED_RATIO}`,
    verdict: intact ? verdict(ratio >= TARGET_AGED_RATIO) : 'miss',
    details: { chains: AGED_CHAINS, priorRefreshes: AGED_REFRESHES, ...result },
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
        'embedded SQLite (node:sqlite), SQLite read models',
      ),
    );
    rows.push(agedRow(await measureAged()));
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
