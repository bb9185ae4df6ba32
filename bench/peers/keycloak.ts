/**
 * Keycloak for the peers benchmark: `kc.sh start-dev` (embedded H2 file database in the
 * installation's data/ directory) on a free port, the bootstrap admin from KC_BOOTSTRAP_ADMIN_*,
 * and a realm set up through the admin REST API: a public client with direct access grants,
 * refresh-token rotation (`revokeRefreshToken=true`, `refreshTokenMaxReuse=0`), brute-force
 * detection off (like our raised rate limits), 900 s access tokens (like ours), users created
 * through the admin API. Everything else is Keycloak's default, password hashing included.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { log } from '../support/env.js';
import { freePort, stopChild, tail, waitForHttp } from '../support/server.js';
import type { KeycloakInstall } from './install.js';

export const REALM = 'bench';
export const CLIENT_ID = 'bench';
const ADMIN = { username: 'bench-admin', password: 'bench-admin-password-0123' };

export interface RunningKeycloak {
  readonly url: string;
  /** The JVM (kc.sh's child): its CPU and RSS are Keycloak's. */
  readonly pid: number;
  /** spawn() of kc.sh → first 200 of the realm's OpenID configuration (or of /realms/master). */
  readonly firstOkSeconds: number;
  stderr(): string;
  stop(): Promise<void>;
}

/** The java process under kc.sh (kc.sh may exec it, or run it as a child). */
function javaPid(shellPid: number): number {
  const comm = (pid: number): string => {
    try {
      return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
    } catch {
      return '';
    }
  };
  if (comm(shellPid) === 'java') return shellPid;
  const queue = [shellPid];
  while (queue.length > 0) {
    const pid = queue.shift() ?? 0;
    let children: number[] = [];
    try {
      children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
        .trim()
        .split(/\s+/)
        .filter(Boolean)
        .map(Number);
    } catch {
      // gone
    }
    for (const child of children) {
      if (comm(child) === 'java') return child;
      queue.push(child);
    }
  }
  throw new Error(`no java process under kc.sh (pid ${shellPid})`);
}

export async function startKeycloak(install: KeycloakInstall, readyPath: string): Promise<RunningKeycloak> {
  const port = await freePort();
  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? '',
    HOME: process.env['HOME'] ?? '',
    JAVA_HOME: install.javaHome,
    KC_BOOTSTRAP_ADMIN_USERNAME: ADMIN.username,
    KC_BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password,
    KC_LOG_LEVEL: 'warn',
  };
  const started = performance.now();
  const child: ChildProcess = spawn(
    path.join(install.home, 'bin', 'kc.sh'),
    ['start-dev', `--http-port=${port}`, '--http-host=127.0.0.1', '--hostname-strict=false'],
    { cwd: install.home, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout?.resume();
  const stderr = tail(child.stderr);
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${url}${readyPath}`, child, stderr, 180_000);
  } catch (error) {
    await stopChild(child, 5_000);
    throw error;
  }
  const firstOkSeconds = (performance.now() - started) / 1000;
  if (child.pid === undefined) throw new Error('kc.sh has no pid');
  return { url, pid: javaPid(child.pid), firstOkSeconds, stderr, stop: () => stopChild(child, 30_000) };
}

async function call(method: string, url: string, token: string, body?: unknown, ok = [200, 201, 204, 404]) {
  const response = await fetch(url, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!ok.includes(response.status)) throw new Error(`${method} ${url} answered ${response.status}: ${text}`);
  return { status: response.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
}

async function adminToken(url: string): Promise<string> {
  const response = await fetch(`${url}/realms/master/protocol/openid-connect/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'password', client_id: 'admin-cli', ...ADMIN }).toString(),
  });
  const body = (await response.json()) as { access_token?: string };
  if (!response.ok || body.access_token === undefined)
    throw new Error(`admin token: ${response.status} ${JSON.stringify(body)}`);
  return body.access_token;
}

export interface KeycloakRealm {
  readonly usernames: readonly string[];
  /** The stored hash's algorithm and parameters, read from a user's credentialData. */
  readonly hash: { algorithm: string; parameters: Record<string, readonly string[]> };
}

/** Drops and re-creates the bench realm, its client and `users` users with `password`. */
export async function setUpRealm(url: string, users: number, password: string): Promise<KeycloakRealm> {
  const token = await adminToken(url);
  const admin = `${url}/admin/realms`;
  await call('DELETE', `${admin}/${REALM}`, token);
  await call('POST', admin, token, {
    realm: REALM,
    enabled: true,
    revokeRefreshToken: true,
    refreshTokenMaxReuse: 0,
    bruteForceProtected: false,
    accessTokenLifespan: 900,
    eventsEnabled: false,
    sslRequired: 'none',
    clients: [
      {
        clientId: CLIENT_ID,
        publicClient: true,
        directAccessGrantsEnabled: true,
        standardFlowEnabled: false,
        enabled: true,
      },
    ],
  });
  const usernames: string[] = [];
  log(`peers: Keycloak, creating ${users} users through the admin API`);
  for (let i = 0; i < users; i += 1) {
    const username = `bench-${i}`;
    await call('POST', `${admin}/${REALM}/users`, token, {
      username,
      email: `bench-${i}@bench.example`,
      firstName: 'Bench',
      lastName: `User ${i}`,
      emailVerified: true,
      enabled: true,
      credentials: [{ type: 'password', value: password, temporary: false }],
    });
    usernames.push(username);
  }
  const found = await call('GET', `${admin}/${REALM}/users?username=bench-0&exact=true`, token);
  const id = (found.body as { id: string }[])[0]?.id;
  if (id === undefined) throw new Error('the first bench user was not found');
  const credentials = (await call('GET', `${admin}/${REALM}/users/${id}/credentials`, token)).body as {
    credentialData: string;
  }[];
  const data = JSON.parse(credentials[0]?.credentialData ?? '{}') as {
    algorithm?: string;
    additionalParameters?: Record<string, readonly string[]>;
    hashIterations?: number;
  };
  return {
    usernames,
    hash: {
      algorithm: data.algorithm ?? 'unknown',
      parameters: { ...data.additionalParameters, iterations: [String(data.hashIterations ?? '')] },
    },
  };
}

export const tokenUrl = (url: string): string => `${url}/realms/${REALM}/protocol/openid-connect/token`;
export const userinfoUrl = (url: string): string => `${url}/realms/${REALM}/protocol/openid-connect/userinfo`;
export const readyPath = `/realms/${REALM}/.well-known/openid-configuration`;

export const passwordGrant = (username: string, password: string, scope?: string): string =>
  new URLSearchParams({
    grant_type: 'password',
    client_id: CLIENT_ID,
    username,
    password,
    ...(scope === undefined ? {} : { scope }),
  }).toString();

export const refreshGrant = (refreshToken: string): string =>
  new URLSearchParams({
    grant_type: 'refresh_token',
    client_id: CLIENT_ID,
    refresh_token: refreshToken,
  }).toString();

export async function keycloakLogin(
  url: string,
  username: string,
  password: string,
  scope?: string,
): Promise<{ access_token: string; refresh_token: string }> {
  const response = await fetch(tokenUrl(url), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: passwordGrant(username, password, scope),
  });
  const body = (await response.json()) as { access_token?: string; refresh_token?: string };
  if (!response.ok || body.access_token === undefined || body.refresh_token === undefined)
    throw new Error(`Keycloak login: ${response.status} ${JSON.stringify(body)}`);
  return { access_token: body.access_token, refresh_token: body.refresh_token };
}
