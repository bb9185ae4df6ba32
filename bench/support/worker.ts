/** Runs a compiled worker script in its own Node process and returns the JSON it prints last. */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { BENCH_DIST, ROOT } from './env.js';
import { tail } from './server.js';

export interface WorkerOptions {
  readonly env?: Readonly<Record<string, string>>;
  readonly nodeArgs?: readonly string[];
  /** Pin to these CPUs with taskset. */
  readonly cpus?: string;
}

export function runWorker<T>(
  script: string,
  args: readonly string[],
  options: WorkerOptions = {},
): Promise<T> {
  const file = path.join(BENCH_DIST, 'workers', script);
  const nodeArgs = [...(options.nodeArgs ?? []), file, ...args];
  const [command, argv] =
    options.cpus === undefined
      ? [process.execPath, nodeArgs]
      : ['taskset', ['-c', options.cpus, process.execPath, ...nodeArgs]];
  const child = spawn(command, argv, {
    cwd: ROOT,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout = tail(child.stdout, 1_000_000);
  const stderr = tail(child.stderr);
  child.stderr.on('data', (chunk: string) =>
    process.stderr.write(chunk.replace(/^/gm, `  [${script}] `).replace(/ {2}\[[^\]]+\] $/, '')),
  );
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) {
        reject(new Error(`worker ${script} exited with ${code}:\n${stderr()}`));
        return;
      }
      const last = stdout().trim().split('\n').at(-1) ?? '';
      try {
        resolve(JSON.parse(last) as T);
      } catch {
        reject(new Error(`worker ${script} printed no JSON result:\n${stdout()}\n${stderr()}`));
      }
    });
  });
}
