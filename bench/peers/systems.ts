/**
 * The three systems of the peers benchmark behind one shape: how to start each with its data in
 * place (timed to the first 200), what its login, refresh and session-check requests are, and
 * its own password-hash limit (measured outside the server, with the server's own parameters).
 */
import { spawn } from 'node:child_process';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { PASSWORD, emailOf, logIn, pool, registerUsers } from '../support/api.js';
import { DATA_ROOT, ROOT, log, settings } from '../support/env.js';
import { freePort, scratchDir, startServer, stopChild, tail, waitForHttp } from '../support/server.js';
import { runWorker } from '../support/worker.js';
import { bcryptLimit } from '../benchmarks/login.js';
import type { RefreshProtocol } from './chains.js';
import { installBetterAuth, installKeycloak } from './install.js';
import {
  keycloakLogin,
  passwordGrant,
  readyPath,
  refreshGrant,
  setUpRealm,
  startKeycloak,
  tokenUrl,
  userinfoUrl,
} from './keycloak.js';

export interface Started {
  readonly url: string;
  readonly pid: number;
  readonly firstOkSeconds: number;
  stop(): Promise<void>;
}

export interface HashLimit {
  readonly algorithm: string;
  readonly perSecond: number;
  readonly cpuSeconds: number;
  readonly raw: unknown;
}

export interface Session {
  readonly refreshToken?: string;
  /** Headers that make the session check succeed (bearer token or session cookie). */
  readonly headers: Record<string, string>;
}

export interface PeerSystem {
  readonly name: string;
  readonly version: string;
  readonly settingsNote: string;
  /** Starts with the users already stored; `firstOkSeconds` is spawn → first 200. */
  start(): Promise<Started>;
  login(url: string): { url: string; headers: Record<string, string>; bodies: readonly string[] };
  /** A fresh session for user `i` (a login); `forCheck`: one the session check accepts. */
  session(url: string, i: number, forCheck: boolean): Promise<Session>;
  refresh?(url: string): RefreshProtocol;
  sessionCheckUrl(url: string): string;
  hashLimit(): Promise<HashLimit>;
  cleanUp(): Promise<void>;
}

/** As in the by-hand comparison: 64 users, so 64 refresh chains are 64 users' sessions. */
export const USERS = 64;

/** Ours: `node dist/main.js`, embedded store, as every other benchmark runs it. */
export async function ours(): Promise<PeerSystem> {
  await mkdir(DATA_ROOT, { recursive: true });
  const dataDir = scratchDir('peers-ours');
  const setup = await startServer({ dataDir, keepData: true });
  const emails = await registerUsers(setup.url, 'peers', USERS);
  await setup.stop();
  const json = 'application/json';
  return {
    name: 'ours',
    version: 'this commit',
    settingsNote: `embedded SQLite, bcrypt cost ${settings.bcryptCost}, rate limits raised`,
    async start() {
      const started = performance.now();
      const server = await startServer({ dataDir, keepData: true });
      return { ...server, firstOkSeconds: (performance.now() - started) / 1000 };
    },
    login: (url) => ({
      url: `${url}/auth/login`,
      headers: { 'content-type': json },
      bodies: emails.map((email) => JSON.stringify({ email, password: PASSWORD })),
    }),
    async session(url, i) {
      const tokens = await logIn(url, emails[i % USERS] ?? '');
      return {
        refreshToken: tokens.refresh_token,
        headers: { authorization: `Bearer ${tokens.access_token}` },
      };
    },
    refresh: (url) => ({
      url: `${url}/auth/refresh`,
      contentType: json,
      body: (token) => JSON.stringify({ refresh_token: token }),
      next: (body) => (JSON.parse(body) as { refresh_token: string }).refresh_token,
    }),
    sessionCheckUrl: (url) => `${url}/users/me`,
    async hashLimit() {
      const raw = await bcryptLimit(settings.bcryptCost);
      return {
        algorithm: `bcrypt cost ${settings.bcryptCost}`,
        perSecond: raw.perSecond,
        cpuSeconds: Number.NaN,
        raw,
      };
    },
    cleanUp: () => rm(dataDir, { recursive: true, force: true }),
  };
}

const form = 'application/x-www-form-urlencoded';

export async function keycloak(): Promise<PeerSystem> {
  const install = await installKeycloak();
  log('peers: Keycloak set-up start (the first start-dev ever builds Quarkus and the H2 database: ~1–2 min)');
  const setup = await startKeycloak(install, '/realms/master');
  const realm = await setUpRealm(setup.url, USERS, PASSWORD).finally(() => setup.stop());
  const p = realm.hash.parameters;
  const param = (key: string, fallback: string): string => p[key]?.[0] ?? fallback;
  return {
    name: 'Keycloak',
    version: install.version,
    settingsNote: `start-dev (H2), ${install.javaVersion}, hash ${realm.hash.algorithm} ${JSON.stringify(p)}`,
    async start() {
      return startKeycloak(install, readyPath);
    },
    login: (url) => ({
      url: tokenUrl(url),
      headers: { 'content-type': form },
      bodies: realm.usernames.map((u) => passwordGrant(u, PASSWORD)),
    }),
    async session(url, i, forCheck) {
      // userinfo refuses tokens without scope=openid; the refresh chains run without it (no ID
      // token signed on each refresh, like ours).
      const tokens = await keycloakLogin(
        url,
        realm.usernames[i % USERS] ?? '',
        PASSWORD,
        forCheck ? 'openid' : undefined,
      );
      return {
        refreshToken: tokens.refresh_token,
        headers: { authorization: `Bearer ${tokens.access_token}` },
      };
    },
    refresh: (url) => ({
      url: tokenUrl(url),
      contentType: form,
      body: refreshGrant,
      next: (body) => (JSON.parse(body) as { refresh_token: string }).refresh_token,
    }),
    sessionCheckUrl: userinfoUrl,
    async hashLimit() {
      if (realm.hash.algorithm !== 'argon2')
        throw new Error(`unexpected Keycloak hash ${realm.hash.algorithm}`);
      const args = [
        param('memory', '7168'),
        param('iterations', '5'),
        param('parallelism', '1'),
        param('hashLength', '32'),
        String(settings.durationS),
        '2',
      ];
      const raw = await runJava(install.javaHome, install.bcprovJar, args);
      return {
        algorithm: `argon2id ${args.slice(0, 4).join('/')}`,
        perSecond: raw.perSecond,
        cpuSeconds: raw.cpuSeconds,
        raw,
      };
    },
    cleanUp: () => Promise.resolve(),
  };
}

function runJava(
  javaHome: string,
  jar: string,
  args: readonly string[],
): Promise<{ perSecond: number; cpuSeconds: number }> {
  const source = path.join(ROOT, 'bench', 'peers', 'Argon2Limit.java');
  const child = spawn(path.join(javaHome, 'bin', 'java'), ['-cp', jar, source, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout = tail(child.stdout);
  const stderr = tail(child.stderr);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      const last = stdout().trim().split('\n').at(-1) ?? '';
      if (code !== 0) reject(new Error(`Argon2Limit exited with ${code}: ${stderr()}`));
      else resolve(JSON.parse(last) as { perSecond: number; cpuSeconds: number });
    });
  });
}

export async function betterAuth(): Promise<PeerSystem> {
  const install = await installBetterAuth();
  await mkdir(DATA_ROOT, { recursive: true });
  const dataDir = scratchDir('peers-better-auth');
  const file = path.join(dataDir, 'better-auth.sqlite');
  const startBa = async (): Promise<Started> => {
    const port = await freePort();
    const started = performance.now();
    const child = spawn(process.execPath, [install.script, String(port), file], {
      cwd: install.dir,
      env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', NODE_ENV: 'production' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const stderr = tail(child.stderr);
    const url = `http://127.0.0.1:${port}`;
    try {
      await waitForHttp(`${url}/api/auth/ok`, child, stderr, 60_000);
    } catch (error) {
      await stopChild(child, 2_000);
      throw error;
    }
    if (child.pid === undefined) throw new Error('Better Auth has no pid');
    return {
      url,
      pid: child.pid,
      firstOkSeconds: (performance.now() - started) / 1000,
      stop: () => stopChild(child, 5_000),
    };
  };
  const emails = Array.from({ length: USERS }, (_, i) => emailOf('peers-ba', i));
  const setup = await startBa();
  try {
    await pool(USERS, 4, async (i) => {
      const response = await fetch(`${setup.url}/api/auth/sign-up/email`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: setup.url },
        body: JSON.stringify({ email: emails[i], password: PASSWORD, name: `Bench User ${i}` }),
      });
      if (!response.ok) throw new Error(`Better Auth sign-up: ${response.status} ${await response.text()}`);
      await response.arrayBuffer();
    });
  } finally {
    await setup.stop();
  }
  return {
    name: 'Better Auth',
    version: install.version,
    settingsNote:
      'node:sqlite (DatabaseSync), scrypt N=16384 r=16 p=1, rate limit off, no cookie cache (default)',
    start: startBa,
    login: (url) => ({
      url: `${url}/api/auth/sign-in/email`,
      // Better Auth refuses a POST without Origin in production (CSRF check); a browser sends it.
      headers: { 'content-type': 'application/json', origin: url },
      bodies: emails.map((email) => JSON.stringify({ email, password: PASSWORD })),
    }),
    async session(url, i) {
      const response = await fetch(`${url}/api/auth/sign-in/email`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: url },
        body: JSON.stringify({ email: emails[i % USERS], password: PASSWORD }),
      });
      const cookie = /better-auth\.session_token=[^;]+/.exec(response.headers.get('set-cookie') ?? '')?.[0];
      await response.arrayBuffer();
      if (!response.ok || cookie === undefined) throw new Error(`Better Auth sign-in: ${response.status}`);
      return { headers: { cookie } };
    },
    sessionCheckUrl: (url) => `${url}/api/auth/get-session`,
    async hashLimit() {
      const raw = await runWorker<{ perSecond: number; cpuSeconds: number }>('scrypt-limit.js', [
        String(settings.durationS),
        '8',
      ]);
      return {
        algorithm: 'scrypt N=16384 r=16 p=1',
        perSecond: raw.perSecond,
        cpuSeconds: raw.cpuSeconds,
        raw,
      };
    },
    cleanUp: () => rm(dataDir, { recursive: true, force: true }),
  };
}
