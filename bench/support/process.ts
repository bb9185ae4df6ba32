/** Long-running helper processes (the bare Koa ceiling) and finding processes we did not spawn. */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { BENCH_DIST, ROOT } from './env.js';
import { freePort, stopChild, tail, waitForHttp } from './server.js';

export interface RunningProcess {
  readonly url: string;
  readonly pid: number;
  stop(): Promise<void>;
}

/** `node <worker> <port>` for a worker that listens on the port it is given; resolves once it answers. */
export async function startListeningWorker(script: string, cpus?: string): Promise<RunningProcess> {
  const port = await freePort();
  const file = path.join(BENCH_DIST, 'workers', script);
  const argv = [file, String(port)];
  const [command, args] =
    cpus === undefined ? [process.execPath, argv] : ['taskset', ['-c', cpus, process.execPath, ...argv]];
  const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  const stderr = tail(child.stderr);
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${url}/`, child, stderr, 30_000);
  } catch (error) {
    await stopChild(child, 2_000);
    throw error;
  }
  if (child.pid === undefined) throw new Error(`${script} has no pid`);
  return { url, pid: child.pid, stop: () => stopChild(child, 5_000) };
}

/** The pid of the process whose command line contains `needle` (e.g. FerretDB's listen address). */
export function findPid(needle: string): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ');
      // The FerretDB watchdog (sh -c …) carries the same arguments; we want the server itself.
      if (cmdline.includes(needle) && !cmdline.startsWith('sh ')) return Number(entry);
    } catch {
      // gone meanwhile
    }
  }
  return undefined;
}
