/**
 * 9. The cost of sealing personal data (issue 14): register, login and refresh throughput of this
 * build ÷ the same of the build before personal data was encrypted (BENCH_PRIVACY_BASELINE,
 * default the first parent of the privacy merge), in the same run on the same machine, each on a
 * fresh embedded store, in alternating rounds (baseline, current, baseline, current) so a change
 * of the machine's load falls on both; each build's figure is its best round. Then the operator
 * CLI's `rebuild` of each build over the log it just wrote: events/s with decryption ÷ without.
 * The baseline is exported with `git archive` into the bench scratch directory and built once
 * with this checkout's node_modules (cached by commit).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { PASSWORD, logIn, pool, registerUsers } from '../support/api.js';
import { DATA_ROOT, ROOT, SERVER_ENTRY, log, round, settings } from '../support/env.js';
import { cannon, refreshChains } from '../support/load.js';
import { loginLoad } from '../support/login.js';
import type { Benchmark, Row } from '../support/results.js';
import { verdict } from '../support/results.js';
import { scratchDir, startServer } from '../support/server.js';

const TARGET = 0.9;
const ROUNDS = 2;
const USERS = 8;
const CHAINS = 16;
const REGISTER_CONNECTIONS = 8;

interface Build {
  readonly label: 'baseline' | 'current';
  readonly commit: string;
  readonly entry: string;
  readonly cli: string;
}

interface Round {
  readonly registerRps: number;
  readonly loginRps: number;
  readonly refreshRps: number;
  readonly dataDir: string;
}

const git = (...args: string[]): string => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();

/** The baseline's dist/, built once per commit under the bench scratch directory. */
function buildBaseline(): Build {
  // 88e12f4 merged the privacy work; its first parent is main just before it.
  const ref = process.env['BENCH_PRIVACY_BASELINE'] ?? '88e12f4^1';
  const commit = git('rev-parse', '--verify', `${ref}^{commit}`);
  const dir = path.join(DATA_ROOT, `baseline-${commit.slice(0, 12)}`);
  const entry = path.join(dir, 'dist', 'main.js');
  if (!existsSync(entry)) {
    log(`privacy: building the baseline ${commit.slice(0, 12)} into ${dir}`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    execFileSync('sh', ['-c', `git archive ${commit} | tar -x -C "${dir}"`], { cwd: ROOT });
    symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
    const tsc = spawnSync(
      process.execPath,
      [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'],
      {
        cwd: dir,
        encoding: 'utf8',
      },
    );
    if (tsc.status !== 0) throw new Error(`the baseline does not build:\n${tsc.stdout}${tsc.stderr}`);
  }
  return { label: 'baseline', commit, entry, cli: path.join(dir, 'dist', 'interfaces', 'cli', 'main.js') };
}

async function measure(build: Build, round: number): Promise<Round> {
  const dataDir = scratchDir(`privacy-${build.label}`);
  const server = await startServer({ entry: build.entry, dataDir, label: build.label });
  try {
    log(`privacy, ${build.label} round ${round}: register`);
    let n = 0;
    const prefix = `reg-${build.label}-${round}-${Date.now()}`;
    const register = await cannon({
      urls: [`${server.url}/auth/register`],
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'PrivacyBench/1.0' },
      bodyFor: () => JSON.stringify({ email: `${prefix}-${++n}@bench.example`, password: PASSWORD }),
      connections: REGISTER_CONNECTIONS,
      durationS: settings.durationS,
      warmupS: settings.warmupS,
    });
    log(`privacy, ${build.label} round ${round}: login`);
    const emails = await registerUsers(server.url, `login-${build.label}-${round}`, USERS);
    const login = await loginLoad([server.url], emails, { server: server.pid });
    log(`privacy, ${build.label} round ${round}: refresh`);
    const sessions = await pool(CHAINS, 4, (i) => logIn(server.url, emails[i % USERS] ?? ''));
    const warm = await refreshChains(
      server.url,
      sessions.map((s) => s.refresh_token),
      settings.warmupS,
    );
    const refresh = await refreshChains(server.url, warm.finalTokens, settings.durationS);
    if (register.non2xx > 0 || refresh.brokenChains > 0)
      throw new Error(
        `${build.label}: ${register.non2xx} failed registrations, ${refresh.brokenChains} broken chains`,
      );
    return { registerRps: register.rps, loginRps: login.summary.rps, refreshRps: refresh.rps, dataDir };
  } finally {
    await server.stop();
  }
}

/**
 * `rebuild` of every read model by the build's own CLI over the log it wrote: events per second of
 * the replay as the CLI times it ("… events replayed in 1.23 s"), without the process's start-up.
 */
function rebuildRate(build: Build, dataDir: string): { events: number; seconds: number; perSecond: number } {
  const env = {
    PATH: process.env['PATH'] ?? '',
    DATA_DIR: dataDir,
    JWT_ISSUER: 'http://bench.local',
    DATA_ENCRYPTION_KEY: 'dGVzdC1tYXN0ZXIta2V5LW9mLXRoaXJ0eS10d28tYnk=',
  };
  const run = spawnSync(process.execPath, [build.cli, 'rebuild'], { cwd: ROOT, env, encoding: 'utf8' });
  const match = /([\d,]+) events replayed in ([\d.]+) s/.exec(run.stdout);
  if (run.status !== 0 || match?.[1] === undefined || match[2] === undefined)
    throw new Error(`${build.label} rebuild failed (${run.status}):\n${run.stdout}${run.stderr}`);
  const events = Number(match[1].replaceAll(',', ''));
  const seconds = Number(match[2]);
  return { events, seconds, perSecond: round(events / seconds, 0) };
}

const best = (rounds: readonly Round[], key: keyof Omit<Round, 'dataDir'>): number =>
  Math.max(...rounds.map((r) => r[key]));

export const privacy: Benchmark = {
  name: 'privacy',
  title: '9. Sealing personal data: throughput with encryption vs the build before it',
  async run() {
    const baseline = buildBaseline();
    const current: Build = {
      label: 'current',
      commit: git('rev-parse', 'HEAD'),
      entry: SERVER_ENTRY,
      cli: path.join(path.dirname(SERVER_ENTRY), 'interfaces', 'cli', 'main.js'),
    };
    const results: Record<Build['label'], Round[]> = { baseline: [], current: [] };
    try {
      for (let i = 1; i <= ROUNDS; i++) {
        for (const build of [baseline, current]) results[build.label].push(await measure(build, i));
      }
      const lastOf = (label: Build['label']): string => results[label].at(-1)?.dataDir ?? '';
      const rebuilds = {
        baseline: rebuildRate(baseline, lastOf('baseline')),
        current: rebuildRate(current, lastOf('current')),
      };
      const rows: Row[] = (
        [
          ['register', 'registerRps', 'register/s'],
          ['login', 'loginRps', 'login/s'],
          ['refresh', 'refreshRps', 'refresh/s'],
        ] as const
      ).map(([name, key, unit]) => {
        const ours = best(results.current, key);
        const theirs = best(results.baseline, key);
        const ratio = round(ours / theirs, 2);
        return {
          benchmark: `9 ${name} with sealing vs ${baseline.commit.slice(0, 7)} (embedded)`,
          figure: `${round(ours, 1)} ${unit}`,
          limit: `${round(theirs, 1)} ${unit}`,
          ratio,
          target: `≥ ${TARGET.toFixed(2)}`,
          verdict: verdict(ratio >= TARGET),
          details: {
            current: results.current.map((r) => r[key]),
            baseline: results.baseline.map((r) => r[key]),
          },
        };
      });
      rows.push({
        benchmark: '9 rebuild of all read models, with decryption',
        figure: `${rebuilds.current.perSecond.toLocaleString('en')} events/s (${rebuilds.current.events.toLocaleString('en')} events)`,
        limit: `${rebuilds.baseline.perSecond.toLocaleString('en')} events/s without (${rebuilds.baseline.events.toLocaleString('en')})`,
        ratio: round(rebuilds.current.perSecond / rebuilds.baseline.perSecond, 2),
        target: 'reported',
        verdict: 'info',
        details: { ...rebuilds, note: 'the replay as the CLI times it, start-up excluded' },
      });
      return { rows, extra: { baseline: baseline.commit, current: current.commit } };
    } finally {
      for (const round of [...results.baseline, ...results.current])
        rmSync(round.dataDir, { recursive: true, force: true });
    }
  },
};
