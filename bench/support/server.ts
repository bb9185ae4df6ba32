/**
 * The service under test, exactly as operators run it: `node dist/main.js` in a child process, with
 * its configuration in the environment. Also the small free-port and child-process helpers the
 * workers share.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { freePort } from '../../tests/support/free-port.js';
import { DATA_ROOT, ROOT, SERVER_ENTRY, settings, sleep } from './env.js';

export { freePort };

export interface ServerOptions {
  /** The built service to start (default SERVER_ENTRY: this checkout's dist/main.js). */
  readonly entry?: string;
  readonly bcryptCost?: number;
  /** Embedded store directory; a fresh one under bench/.data when omitted (and no mongoUri). */
  readonly dataDir?: string;
  readonly mongoUri?: string;
  /** Extra Node flags, e.g. ['--cpu-prof', '--cpu-prof-dir=…']. */
  readonly nodeArgs?: readonly string[];
  /** Pin the process (and its libuv pool) to these CPUs with taskset, e.g. '0'. */
  readonly cpus?: string;
  readonly env?: Readonly<Record<string, string>>;
  readonly label?: string;
  /** Keep a scratch data directory that startServer created (it is removed on stop otherwise). */
  readonly keepData?: boolean;
  /** How long to wait for /health/ready (default 120 s; a first start on a large log takes longer). */
  readonly readyTimeoutMs?: number;
  /** Receives the server's stdout (its pino log lines); dropped when omitted. */
  readonly onStdout?: (chunk: string) => void;
}

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  readonly dataDir: string | undefined;
  /** Recent stderr, for error messages. */
  stderr(): string;
  /** SIGTERM (graceful: the CPU profile, when asked for, is written on exit), SIGKILL after 20 s. */
  stop(): Promise<void>;
}

/** A fresh directory under bench/.data (kept out of git; removed by the caller when it likes). */
export function scratchDir(prefix: string): string {
  return mkdtempSync(path.join(DATA_ROOT, `${prefix}-`));
}

/** Waits for a child to exit; SIGKILL after `graceMs`. */
export function stopChild(child: ChildProcess, graceMs = 20_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export async function waitForHttp(
  url: string,
  child: ChildProcess,
  stderr: () => string,
  timeoutMs = 120_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `the process exited (${child.exitCode ?? child.signalCode}) before ${url} answered:\n${stderr()}`,
      );
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) {
        await response.arrayBuffer();
        return;
      }
      last = `HTTP ${response.status}: ${await response.text()}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await sleep(100);
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms (${last}):\n${stderr()}`);
}

/** Keeps the last `limit` characters of a stream, so a chatty child never fills our memory. */
export function tail(stream: NodeJS.ReadableStream | null, limit = 20_000): () => string {
  let text = '';
  stream?.setEncoding('utf8');
  stream?.on('data', (chunk: string) => {
    text = (text + chunk).slice(-limit);
  });
  return () => text;
}

export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const port = await freePort();
  await mkdir(DATA_ROOT, { recursive: true });
  const scratch =
    options.mongoUri === undefined && options.dataDir === undefined && options.keepData !== true;
  const dataDir = options.mongoUri === undefined ? (options.dataDir ?? scratchDir('server')) : undefined;
  const removeScratch = async (): Promise<void> => {
    if (scratch && dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
  };
  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? '',
    HOME: process.env['HOME'] ?? '',
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: String(port),
    JWT_ISSUER: 'http://bench.local',
    DATA_ENCRYPTION_KEY: 'dGVzdC1tYXN0ZXIta2V5LW9mLXRoaXJ0eS10d28tYnk=',
    BCRYPT_COST: String(options.bcryptCost ?? settings.bcryptCost),
    LOG_LEVEL: settings.logLevel,
    RATE_LIMIT_LOGIN_PER_MINUTE: '1000000',
    RATE_LIMIT_REGISTER_PER_HOUR: '1000000',
    // The libuv pool bcrypt runs on: the same size the bcrypt-limit worker sees.
    ...(process.env['UV_THREADPOOL_SIZE'] === undefined
      ? {}
      : { UV_THREADPOOL_SIZE: process.env['UV_THREADPOOL_SIZE'] }),
    ...(dataDir === undefined ? {} : { DATA_DIR: dataDir }),
    ...(options.mongoUri === undefined ? {} : { MONGODB_URI: options.mongoUri }),
    ...options.env,
  };
  const nodeArgs = [...(options.nodeArgs ?? []), options.entry ?? SERVER_ENTRY];
  const [command, args] =
    options.cpus === undefined
      ? [process.execPath, nodeArgs]
      : ['taskset', ['-c', options.cpus, process.execPath, ...nodeArgs]];
  // stdout is read and dropped unless asked for (LOG_LEVEL=info writes a line per request); stderr is
  // kept for errors.
  const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const { onStdout } = options;
  if (onStdout === undefined) child.stdout.resume();
  else {
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', onStdout);
  }
  const stderr = tail(child.stderr);
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${url}/health/ready`, child, stderr, options.readyTimeoutMs);
  } catch (error) {
    await stopChild(child, 2_000);
    await removeScratch();
    throw error;
  }
  if (child.pid === undefined) throw new Error('the server has no pid');
  return {
    url,
    port,
    pid: child.pid,
    dataDir,
    stderr,
    stop: async () => {
      await stopChild(child);
      await removeScratch();
    },
  };
}
