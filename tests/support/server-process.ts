import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';

export interface ServerProcess {
  readonly baseUrl: string;
  readonly child: ChildProcessWithoutNullStreams;
  /** Everything the process wrote, for assertions and failure messages. */
  output(): string;
  /** SIGTERM and the exit code (graceful shutdown must exit 0). */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Starts dist/main.js (built by the global setup) as `npm start` would, and waits until it serves
 * (or, with `until: 'listening'`, only until its port answers "starting").
 */
export async function startServerProcess(
  env: Record<string, string>,
  { until = 'serving' }: { until?: 'serving' | 'listening' } = {},
): Promise<ServerProcess> {
  const announced = until === 'serving' ? /"port":(\d+),"mode"/ : /"port":(\d+),"phase":"starting"/;
  const child = spawn(process.execPath, [path.resolve('dist/main.js')], {
    env: {
      PATH: process.env.PATH ?? '',
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'info',
      BCRYPT_COST: '10',
      // As in test-app.ts: a slow shared machine; tests/faults/hung-store.spec.ts sets its own.
      REQUEST_DEADLINE: '30s',
      ...env,
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 60_000);
    const look = (): void => {
      const match = announced.exec(output);
      if (match?.[1] !== undefined) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout.on('data', look);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${String(code)}:\n${output}`));
    });
  });
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    child,
    output: () => output,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode !== null) return child.exitCode;
      child.kill(signal);
      const [code] = (await once(child, 'exit')) as [number | null];
      return code;
    },
  };
}
