/**
 * Vitest global setup: finds a MongoDB-compatible server once per run and hands its URI to every
 * test worker (`inject('mongoUri')`). Resolution order:
 *   1. MONGODB_URI from the environment;
 *   2. a MongoDB replica set in a container (testcontainers), only when a Docker engine answers;
 *   3. a local FerretDB v1.24.2 over SQLite (binary cached outside git, built with Go on first use).
 * If none works the run fails with instructions: a silently skipped store suite proves nothing.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import {
  ensureFerretDbBinary,
  FERRETDB_VERSION,
  ferretDbArgs,
  ferretDbBinaryPath,
  waitForPing,
} from './ferretdb-binary.js';
import { freePort } from './free-port.js';

declare module 'vitest' {
  export interface ProvidedContext {
    mongoUri: string;
    mongoServer: string;
  }
}

const LOG_PREFIX = '[test-mongo]';

interface RunningServer {
  uri: string;
  label: string;
  stop(): Promise<void>;
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await resolveServer();
  console.log(`${LOG_PREFIX} using ${server.label}`);
  project.provide('mongoUri', server.uri);
  project.provide('mongoServer', server.label);
  return () => server.stop();
}

async function resolveServer(): Promise<RunningServer> {
  const fromEnv = process.env['MONGODB_URI'];
  if (fromEnv !== undefined && fromEnv !== '') {
    return { uri: fromEnv, label: 'MONGODB_URI', stop: async () => {} };
  }

  const failures: string[] = [];
  if (await dockerEngineAnswers()) {
    try {
      return await startMongoContainer();
    } catch (error) {
      failures.push(`testcontainers: ${messageOf(error)}`);
    }
  } else {
    failures.push('testcontainers: no Docker engine answered');
  }

  try {
    return await startFerretDb();
  } catch (error) {
    failures.push(`FerretDB: ${messageOf(error)}`);
  }

  throw new Error(
    [
      `${LOG_PREFIX} no MongoDB-compatible server available for the tests.`,
      ...failures.map((failure) => `  - ${failure}`),
      'Fix one of:',
      '  * set MONGODB_URI to a MongoDB (or FerretDB) server, e.g. MONGODB_URI=mongodb://127.0.0.1:27017',
      '  * start a Docker engine (testcontainers will run a MongoDB replica set)',
      `  * install Go >= 1.24 so FerretDB ${FERRETDB_VERSION} can be built into ${ferretDbBinaryPath()}`,
    ].join('\n'),
  );
}

// --- Docker / testcontainers ------------------------------------------------------------------

/**
 * Asks testcontainers for a runtime, but only when something that looks like one is configured,
 * and gives up quickly: its own discovery can take long when no engine answers.
 */
async function dockerEngineAnswers(): Promise<boolean> {
  const candidates = [
    '/var/run/docker.sock',
    join(homedir(), '.docker', 'run', 'docker.sock'),
    join(homedir(), '.testcontainers.properties'),
    ...(process.env['XDG_RUNTIME_DIR'] ? [join(process.env['XDG_RUNTIME_DIR'], 'docker.sock')] : []),
  ];
  const configured = (process.env['DOCKER_HOST'] ?? '') !== '' || candidates.some((path) => existsSync(path));
  if (!configured) return false;
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    const probe = getContainerRuntimeClient().then(() => true);
    probe.catch(() => {});
    return await withTimeout(probe, 5_000, false);
  } catch {
    return false;
  }
}

async function startMongoContainer(): Promise<RunningServer> {
  const { MongoDBContainer } = await import('@testcontainers/mongodb');
  const container = await new MongoDBContainer('mongo:8').start();
  // directConnection: the replica set advertises its in-container host name.
  const base = container.getConnectionString();
  const uri = base.includes('?') ? `${base}&directConnection=true` : `${base}/?directConnection=true`;
  return {
    uri,
    label: `MongoDB (testcontainers replica set) at ${uri}`,
    stop: async () => {
      await container.stop();
    },
  };
}

// --- FerretDB -------------------------------------------------------------------------------

/**
 * Runs FerretDB under a tiny shell watchdog: it stops FerretDB and removes its data directory when
 * our end of its stdin closes, which also happens when vitest is killed or interrupted before its
 * teardown runs. So an aborted run leaves neither a stray server nor a temp directory behind.
 */
const WATCHDOG = `
trap '' INT
dir="$1"; shift
exec 3<&0
"$@" </dev/null &
pid=$!
( read -r _ <&3; kill "$pid" 2>/dev/null ) &
wait "$pid"; status=$?
rm -rf "$dir"
exit "$status"
`;

async function startFerretDb(): Promise<RunningServer> {
  const binary = await ensureFerretDbBinary();
  const dataDir = await mkdtemp(join(tmpdir(), 'ferretdb-test-'));
  const port = await freePort();
  const child = spawn(
    'sh',
    ['-c', WATCHDOG, 'ferretdb-watchdog', dataDir, binary, ...ferretDbArgs(port, dataDir)],
    { stdio: ['pipe', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const stop = async (): Promise<void> => {
    await stopWatchdog(child);
    await rm(dataDir, { recursive: true, force: true });
  };

  const uri = `mongodb://127.0.0.1:${port}`;
  try {
    await waitForPing(uri, () => child.exitCode !== null, 30_000);
  } catch (error) {
    await stop();
    throw new Error(`FerretDB did not answer on ${uri}: ${messageOf(error)}\nstderr:\n${stderr}`);
  }
  return { uri, label: `FerretDB ${FERRETDB_VERSION.slice(1)} (sqlite) at ${uri}`, stop };
}

/** Closing stdin tells the watchdog to stop FerretDB and clean up; SIGKILL only as a last resort. */
function stopWatchdog(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    child.stdin?.destroy();
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    const forceKill = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(forceKill);
      resolve();
    });
    child.stdin?.end();
  });
}

// --- helpers --------------------------------------------------------------------------------

async function withTimeout<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(fallback), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
