/** Paths, knobs (environment overrides) and machine facts shared by every benchmark. */
import { execFileSync } from 'node:child_process';
import { cpus, freemem, loadavg, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The repository root: the compiled file is dist/bench/bench/support/env.js, four levels below it.
 * (Compiled under the root dist/, which git, ESLint and Prettier already ignore, not bench/dist.)
 */
export const ROOT = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../..');
export const SERVER_ENTRY = process.env['BENCH_SERVER_ENTRY'] ?? path.join(ROOT, 'dist', 'main.js');
/** Compiled bench code (workers are started from here). */
export const BENCH_DIST = path.join(ROOT, 'dist', 'bench', 'bench');
/**
 * Scratch data (server data directories, the generated rebuild stores, which are cached between
 * runs): outside the repository, so nothing of it can be committed, linted or formatted.
 */
export const DATA_ROOT = process.env['BENCH_DATA_DIR'] ?? path.join(tmpdir(), 'auth-service-bench');
export const PROFILE_ROOT = path.join(ROOT, 'bench', 'profiles');
export const RESULTS_DIR = path.join(ROOT, 'bench', 'results');

const int = (name: string, fallback: number): number => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0)
    throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return value;
};

const flag = (name: string, fallback: boolean): boolean => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  return raw === '1' || raw === 'true' || raw === 'yes';
};

/** BENCH_QUICK=1: a smoke run (short phases, small stores); every knob below still overrides it. */
export const quick = flag('BENCH_QUICK', false);

export const settings = {
  quick,
  /** bcrypt cost for every benchmark (the service's own default is 12). */
  bcryptCost: int('BENCH_BCRYPT_COST', 10),
  /** Also run benchmark 1 at cost 12 (the service's default). */
  alsoCost12: flag('BENCH_COST12', !quick),
  /** Measured seconds per load phase. */
  durationS: int('BENCH_DURATION', quick ? 3 : 10),
  /** Unmeasured warm-up seconds before each measured phase (JIT, caches, pools). */
  warmupS: int('BENCH_WARMUP', quick ? 1 : 2),
  /** autocannon connections for the throughput benchmarks (1, 2, 5). */
  loginConnections: int('BENCH_LOGIN_CONNECTIONS', 16),
  readConnections: int('BENCH_READ_CONNECTIONS', 16),
  /** Concurrent refresh chains (one session each). */
  refreshSessions: int('BENCH_REFRESH_SESSIONS', quick ? 16 : 64),
  /** Events in the large projection-rebuild store, and in the small one. */
  rebuildLarge: int('BENCH_REBUILD_EVENTS', quick ? 100_000 : 1_000_000),
  rebuildSmall: int('BENCH_REBUILD_SMALL_EVENTS', quick ? 10_000 : 100_000),
  /** Events in the log verify-log checks (benchmark 6), and in the 10× smaller one for memory. */
  auditEvents: int('BENCH_AUDIT_EVENTS', quick ? 100_000 : 1_000_000),
  auditSmallEvents: int('BENCH_AUDIT_SMALL_EVENTS', quick ? 10_000 : 100_000),
  /** Chained appends timed for the chain's append cost. */
  auditAppends: int('BENCH_AUDIT_APPENDS', quick ? 5_000 : 20_000),
  /** Regenerate the rebuild stores even when a cached one exists. */
  regenerate: flag('BENCH_REGENERATE', false),
  /** Run the FerretDB part of benchmark 3. */
  mongo: flag('BENCH_MONGO', true),
  /** The server's LOG_LEVEL (info logs one line per request to stdout, which the harness discards). */
  logLevel: process.env['BENCH_LOG_LEVEL'] ?? 'warn',
};

export type Settings = typeof settings;

export interface MachineInfo {
  readonly cpuModel: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly freeMemoryGiB: number;
  /** 1, 5 and 15-minute load averages at the start: other work on the machine skews every figure. */
  readonly loadAverage: readonly number[];
  readonly node: string;
  readonly platform: string;
  readonly kernel: string;
  readonly date: string;
  readonly gitCommit: string | null;
  readonly gitDirty: boolean | null;
}

const git = (...args: string[]): string | null => {
  try {
    return execFileSync('git', args, {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return null;
  }
};

export function machineInfo(): MachineInfo {
  const list = cpus();
  const status = git('status', '--porcelain', '--untracked-files=no');
  return {
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    freeMemoryGiB: Math.round((freemem() / 2 ** 30) * 10) / 10,
    loadAverage: loadavg().map((value) => Math.round(value * 100) / 100),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    kernel: readKernel(),
    date: new Date().toISOString(),
    gitCommit: git('rev-parse', 'HEAD'),
    gitDirty: status === null ? null : status !== '',
  };
}

function readKernel(): string {
  try {
    return execFileSync('uname', ['-r'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export const round = (value: number, digits = 1): number => {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
};

export const log = (message: string): void => {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
};
