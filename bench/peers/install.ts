/**
 * First-use installation of the peers into ~/.cache/auth-service/peers/ (outside the repository,
 * like the FerretDB build): Keycloak's `keycloak-quarkus-dist` zip from Maven Central, a JDK that
 * runs it, and Better Auth from npm into its own directory (not the project's package.json, so
 * `npm ci` never pulls it). Each step prints a progress line; a finished step is not redone.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, readdirSync } from 'node:fs';
import { copyFile, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { ROOT, log } from '../support/env.js';

export const PEERS_CACHE =
  process.env['BENCH_PEERS_CACHE'] ?? path.join(homedir(), '.cache', 'auth-service', 'peers');

/** Tried in order; the first that downloads is used (26.7.3 is the version of the run). */
const KEYCLOAK_VERSIONS = (process.env['BENCH_KEYCLOAK_VERSIONS'] ?? '26.7.3,26.7.2,26.7.1,26.7.0,26.6.1')
  .split(',')
  .map((v) => v.trim())
  .filter((v) => v !== '');
export const BETTER_AUTH_VERSION = process.env['BENCH_BETTER_AUTH_VERSION'] ?? '1.7.25';
/** Keycloak 26 needs Java 21 or newer ("OpenJDK 21" in its server guide). */
const MIN_JAVA = 21;

const zipUrl = (version: string): string =>
  `https://repo1.maven.org/maven2/org/keycloak/keycloak-quarkus-dist/${version}/keycloak-quarkus-dist-${version}.zip`;

async function download(url: string, target: string): Promise<boolean> {
  const response = await fetch(url);
  if (!response.ok || response.body === null) {
    log(`peers: ${url} answered ${response.status}`);
    await response.body?.cancel();
    return false;
  }
  const total = Number(response.headers.get('content-length') ?? 0);
  let received = 0;
  let nextReport = 0.1;
  const partial = `${target}.part`;
  const body = Readable.fromWeb(response.body as WebReadableStream<Uint8Array>);
  body.on('data', (chunk: Buffer) => {
    received += chunk.length;
    if (total > 0 && received / total >= nextReport) {
      log(`peers: downloaded ${Math.round((received / total) * 100)} % of ${Math.round(total / 2 ** 20)} MB`);
      nextReport += 0.1;
    }
  });
  await pipeline(body, createWriteStream(partial));
  await rename(partial, target);
  return true;
}

export interface KeycloakInstall {
  readonly version: string;
  readonly home: string;
  readonly javaHome: string;
  readonly javaVersion: string;
  /** Keycloak's own BouncyCastle jar (its Argon2 implementation), for the hash limit. */
  readonly bcprovJar: string;
}

/** `java -version` (it prints to stderr) → the major version, or undefined if it does not run. */
function javaVersionOf(javaHome: string): { major: number; text: string } | undefined {
  const bin = path.join(javaHome, 'bin', 'java');
  if (!existsSync(bin)) return undefined;
  const text = spawnSync(bin, ['-version'], { encoding: 'utf8' }).stderr;
  const match = /version "(\d+)(?:\.(\d+))?/.exec(text);
  if (match === null) return undefined;
  const first = Number(match[1]);
  return { major: first === 1 ? Number(match[2]) : first, text: (text.split('\n')[0] ?? text).trim() };
}

/** JAVA_HOME (or BENCH_JAVA_HOME) if it is new enough, else the newest JDK ≥ 21 in /usr/lib/jvm. */
export function findJava(): { javaHome: string; javaVersion: string } {
  const candidates = [
    process.env['BENCH_JAVA_HOME'],
    process.env['JAVA_HOME'],
    ...(existsSync('/usr/lib/jvm')
      ? readdirSync('/usr/lib/jvm').map((d) => path.join('/usr/lib/jvm', d))
      : []),
  ].filter((c): c is string => c !== undefined && c !== '');
  let best: { javaHome: string; major: number; text: string } | undefined;
  for (const javaHome of candidates) {
    const version = javaVersionOf(javaHome);
    if (version === undefined || version.major < MIN_JAVA) continue;
    if (best === undefined || version.major > best.major) best = { javaHome, ...version };
    if (javaHome === process.env['BENCH_JAVA_HOME']) break;
  }
  if (best === undefined) {
    throw new Error(
      `Keycloak 26 needs Java ${MIN_JAVA}+; none found (JAVA_HOME, /usr/lib/jvm). Set BENCH_JAVA_HOME to a JDK ${MIN_JAVA}+.`,
    );
  }
  return { javaHome: best.javaHome, javaVersion: best.text };
}

export async function installKeycloak(): Promise<KeycloakInstall> {
  await mkdir(PEERS_CACHE, { recursive: true });
  const java = findJava();
  for (const version of KEYCLOAK_VERSIONS) {
    const home = path.join(PEERS_CACHE, `keycloak-${version}`);
    if (!existsSync(path.join(home, 'bin', 'kc.sh'))) {
      const zip = path.join(PEERS_CACHE, `keycloak-quarkus-dist-${version}.zip`);
      if (!existsSync(zip)) {
        log(`peers: downloading Keycloak ${version} from Maven Central`);
        if (!(await download(zipUrl(version), zip))) continue;
      }
      log(`peers: unpacking ${path.basename(zip)}`);
      await rm(home, { recursive: true, force: true });
      execFileSync('unzip', ['-q', '-o', zip, '-d', PEERS_CACHE]);
      await rm(zip);
    }
    const lib = path.join(home, 'lib', 'lib', 'main');
    const bcprov = readdirSync(lib).find((f) => /^org\.bouncycastle\.bcprov-.*\.jar$/.test(f));
    if (bcprov === undefined) throw new Error(`no BouncyCastle jar in ${lib}`);
    log(`peers: Keycloak ${version} in ${home}, Java ${java.javaVersion} (${java.javaHome})`);
    return { version, home, ...java, bcprovJar: path.join(lib, bcprov) };
  }
  throw new Error(`no Keycloak zip downloaded (tried ${KEYCLOAK_VERSIONS.join(', ')})`);
}

export interface BetterAuthInstall {
  readonly version: string;
  readonly dir: string;
  readonly script: string;
}

function npm(args: readonly string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`npm ${args.join(' ')} exited with ${code}:\n${output}`)),
    );
  });
}

/** better-auth (pure JS; its SQLite adapter runs on node:sqlite, so nothing native is fetched). */
export async function installBetterAuth(): Promise<BetterAuthInstall> {
  const dir = path.join(PEERS_CACHE, `better-auth-${BETTER_AUTH_VERSION}`);
  await mkdir(dir, { recursive: true });
  if (!existsSync(path.join(dir, 'node_modules', 'better-auth', 'package.json'))) {
    log(`peers: npm install better-auth@${BETTER_AUTH_VERSION} into ${dir}`);
    await writeFile(
      path.join(dir, 'package.json'),
      `${JSON.stringify({ name: 'peers-better-auth', private: true, type: 'module' })}\n`,
    );
    await npm(
      ['install', '--no-audit', '--no-fund', '--ignore-scripts', `better-auth@${BETTER_AUTH_VERSION}`],
      dir,
    );
  }
  // The server script must sit next to node_modules for ESM resolution; refreshed every run.
  const script = path.join(dir, 'better-auth-server.mjs');
  await copyFile(path.join(ROOT, 'bench', 'peers', 'better-auth-server.mjs'), script);
  log(`peers: Better Auth ${BETTER_AUTH_VERSION} in ${dir}`);
  return { version: BETTER_AUTH_VERSION, dir, script };
}
