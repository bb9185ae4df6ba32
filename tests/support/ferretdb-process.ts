/**
 * A FerretDB server of a test's own (own port, own SQLite directory) that the test can kill with
 * SIGKILL and start again on the same port and directory: a MongoDB outage on demand.
 *
 * It uses the binary the global setup resolves (~/.cache/auth-service/ferretdb-v1.24.2/ferretdb),
 * and builds it the same way when it is missing (for instance when the suite's MongoDB came from
 * MONGODB_URI or Docker): an outage test that cannot run must fail, never pass by skipping.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureFerretDbBinary, ferretDbArgs, waitForPing } from './ferretdb-binary.js';
import { freePort } from './free-port.js';

/**
 * Like the global setup's watchdog, FerretDB runs under `sh`, which kills it when our end of its
 * stdin closes (also when vitest dies), so no server outlives the run. Unlike it, the watchdog
 * prints FerretDB's pid (so a test can SIGKILL FerretDB itself) and keeps the data directory,
 * which a restart must find again; the test removes it.
 */
const WATCHDOG = `
trap '' INT
exec 3<&0
"$@" </dev/null &
pid=$!
echo "pid $pid"
( read -r _ <&3; kill "$pid" 2>/dev/null ) &
wait "$pid"
`;

export interface FerretDbProcess {
  /** `mongodb://127.0.0.1:<port>` (no database). */
  readonly uri: string;
  readonly port: number;
  readonly dataDir: string;
  /** Whether FerretDB is running now. */
  running(): boolean;
  /** SIGKILL to FerretDB itself (not a graceful stop), resolved once it is gone. */
  kill(): Promise<void>;
  /** SIGSTOP to FerretDB: connections stay open and nothing answers (a hung server). */
  pause(): void;
  /** SIGCONT after `pause`: the server answers again, on the same connections. */
  resume(): void;
  /** Starts FerretDB again on the same port and directory and waits until it answers a ping. */
  restart(): Promise<void>;
  /** Stops FerretDB and removes its directory. */
  dispose(): Promise<void>;
}

interface Running {
  readonly watchdog: ChildProcess;
  readonly pid: number;
  readonly exited: Promise<void>;
}

export async function startFerretDbProcess(): Promise<FerretDbProcess> {
  const binary = await ensureFerretDbBinary();
  const dataDir = await mkdtemp(join(tmpdir(), 'ferretdb-fault-'));
  const port = await freePort();
  const uri = `mongodb://127.0.0.1:${port}`;
  let stderr = '';
  let current: Running | null = null;

  const launch = async (): Promise<void> => {
    const watchdog = spawn(
      'sh',
      ['-c', WATCHDOG, 'ferretdb-fault-watchdog', binary, ...ferretDbArgs(port, dataDir)],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    watchdog.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<void>((resolve) => watchdog.once('exit', () => resolve()));
    const pid = await new Promise<number>((resolve, reject) => {
      let out = '';
      watchdog.stdout?.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const match = /pid (\d+)/.exec(out);
        if (match?.[1] !== undefined) resolve(Number(match[1]));
      });
      watchdog.once('exit', (code) =>
        reject(new Error(`FerretDB watchdog exited with ${String(code)}:\n${stderr}`)),
      );
    });
    current = { watchdog, pid, exited };
    try {
      await waitForPing(uri, () => watchdog.exitCode !== null, 30_000);
    } catch (error) {
      throw new Error(`FerretDB did not answer on ${uri}: ${messageOf(error)}\nstderr:\n${stderr}`, {
        cause: error,
      });
    }
  };

  const kill = async (): Promise<void> => {
    const running = current;
    if (running === null) return;
    current = null;
    try {
      process.kill(running.pid, 'SIGKILL');
    } catch {
      // already gone
    }
    await running.exited;
    running.watchdog.stdin?.destroy();
  };

  // A port freed by a killed server can take a moment to be bindable again; retry the start.
  const launchWithRetry = async (): Promise<void> => {
    let lastError: unknown;
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        await launch();
        return;
      } catch (error) {
        lastError = error;
        await kill();
        await sleep(500);
      }
    }
    throw lastError;
  };

  const signal = (name: NodeJS.Signals): void => {
    if (current === null) throw new Error('FerretDB is not running');
    process.kill(current.pid, name);
  };

  await launchWithRetry();
  return {
    uri,
    port,
    dataDir,
    running: () => current !== null && current.watchdog.exitCode === null,
    pause: () => signal('SIGSTOP'),
    resume: () => signal('SIGCONT'),
    kill,
    restart: launchWithRetry,
    dispose: async () => {
      await kill();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
