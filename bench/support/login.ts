/** The login load shared by benchmarks 1 and 5 and the profile: POST /auth/login round-robin over users. */
import { PASSWORD } from './api.js';
import { cpuWindow, type CpuWindow } from './cpu.js';
import { round, settings } from './env.js';
import { cannon, type LoadSummary } from './load.js';

export interface LoginLoad {
  readonly summary: LoadSummary;
  readonly cpu: CpuWindow;
  /** The measured window in µs of CLOCK_MONOTONIC (process.hrtime; V8 profiles use the same clock). */
  readonly windowUs: { readonly fromUs: number; readonly toUs: number };
}

/**
 * Warm-up (unmeasured), then `durationS` of closed-loop logins over `connections` keep-alive
 * connections spread over `baseUrls`, each request for the next user in turn. CPU is accounted
 * over the measured window for the processes in `pids`.
 */
export async function loginLoad(
  baseUrls: readonly string[],
  emails: readonly string[],
  pids: Record<string, number>,
  durationS = settings.durationS,
): Promise<LoginLoad> {
  let next = 0;
  const bodies = emails.map((email) => JSON.stringify({ email, password: PASSWORD }));
  const options = {
    urls: baseUrls.map((url) => `${url}/auth/login`),
    method: 'POST' as const,
    headers: { 'content-type': 'application/json' },
    bodyFor: () => bodies[next++ % bodies.length] ?? '',
    connections: settings.loginConnections,
    durationS,
  };
  let window: ReturnType<typeof cpuWindow> | undefined;
  let cpu: CpuWindow | undefined;
  const monotonicUs = (): number => Number(process.hrtime.bigint() / 1000n);
  const windowUs = { fromUs: 0, toUs: 0 };
  const summary = await cannon({
    ...options,
    warmupS: settings.warmupS,
    onWindowStart: () => {
      windowUs.fromUs = monotonicUs();
      window = cpuWindow(pids);
    },
    onWindowEnd: () => {
      windowUs.toUs = monotonicUs();
      cpu = window?.end();
    },
  });
  if (cpu === undefined) throw new Error('the measured window never closed');
  if (summary.non2xx > 0 || summary.errors > 0) {
    throw new Error(`login load got ${summary.non2xx} non-2xx answers and ${summary.errors} errors`);
  }
  return { summary, cpu: roundCpu(cpu), windowUs };
}

export const roundCpu = (cpu: CpuWindow): CpuWindow => ({
  processes: Object.fromEntries(Object.entries(cpu.processes).map(([k, v]) => [k, round(v, 2)])),
  client: round(cpu.client, 2),
  machine: round(cpu.machine, 2),
  wallSeconds: round(cpu.wallSeconds, 2),
});
