/**
 * Peers (issue 15): our service (embedded), Keycloak and Better Auth under the same closed-loop
 * load from this process, one after the other in the same run: login ÷ each one's own hash limit,
 * refresh rotation per server-CPU-second (Better Auth has no refresh grant), session check per
 * server-CPU-second (`GET /users/me`, Keycloak's userinfo, Better Auth's get-session), p50/p99 at
 * half the session-check rate (open loop), RSS idle and after the load, spawn → first 200 with
 * the users already stored. Ratios ours/peer are printed with the issue's targets. Installs the
 * peers into ~/.cache/auth-service/peers/ on first use (bench/peers/install.ts). Not in CI and not
 * in the default set (a first run downloads ~170 MB and builds Keycloak).
 */
import { cpuWindow, type CpuWindow } from '../support/cpu.js';
import { log, round, settings, sleep } from '../support/env.js';
import { cannon, type CannonOptions, type LoadSummary } from '../support/load.js';
import { roundCpu } from '../support/login.js';
import type { Benchmark, Row, Verdict } from '../support/results.js';
import { verdict } from '../support/results.js';
import { chains, rssMb, type PeerChainSummary } from '../peers/chains.js';
import { betterAuth, keycloak, ours, type HashLimit, type PeerSystem } from '../peers/systems.js';
import { pool } from '../support/api.js';

/** Unmeasured seconds before every window: longer than the other benchmarks' for the JVM's JIT. */
const WARMUP_S = Number(process.env['BENCH_PEERS_WARMUP'] ?? Math.max(settings.warmupS, 5));
const IDLE_RSS_DELAY_MS = 3_000;
/** BENCH_PEERS=keycloak or better-auth runs ours and that peer only (ours always runs). */
const ONLY = (process.env['BENCH_PEERS'] ?? 'keycloak,better-auth').split(',').map((s) => s.trim());

interface Measured {
  readonly summary: LoadSummary;
  readonly cpu: CpuWindow;
  readonly perServerCpuSecond: number;
}

async function closedLoop(options: CannonOptions, pid: number): Promise<Measured> {
  let window: ReturnType<typeof cpuWindow> | undefined;
  let cpu: CpuWindow | undefined;
  const summary = await cannon({
    ...options,
    warmupS: WARMUP_S,
    onWindowStart: () => (window = cpuWindow({ server: pid })),
    onWindowEnd: () => (cpu = window === undefined ? undefined : roundCpu(window.end())),
  });
  // Reported, not fatal: on a starved machine ours answers 503 past REQUEST_DEADLINE (5 s), a
  // behaviour of the product the table should show rather than lose the whole run to.
  if (summary.non2xx > 0 || summary.errors > 0)
    log(`${options.urls.join(', ')}: ${summary.non2xx} non-2xx answers and ${summary.errors} errors`);
  if (cpu === undefined) throw new Error('the measured window never closed');
  return {
    summary,
    cpu,
    perServerCpuSecond: round(summary.rps / (cpu.processes['server'] ?? Number.NaN), 1),
  };
}

export interface SystemResult {
  readonly name: string;
  readonly version: string;
  readonly settingsNote: string;
  readonly firstOkSeconds: number;
  readonly idleRssMb: number;
  readonly loadedRssMb: number;
  readonly hashLimit: { algorithm: string; perSecond: number; before: HashLimit; after: HashLimit };
  readonly login: Measured;
  readonly loginOverHashLimit: number;
  readonly refresh?: {
    chains: Omit<PeerChainSummary, 'finalTokens'>;
    cpu: CpuWindow;
    perServerCpuSecond: number;
  };
  readonly sessionCheck: Measured;
  readonly half: LoadSummary;
}

async function measure(system: PeerSystem): Promise<SystemResult> {
  log(`peers, ${system.name}: own hash limit (before)`);
  const before = await system.hashLimit();
  const result = await measureServer(system);
  log(`peers, ${system.name}: own hash limit (after)`);
  const after = await system.hashLimit();
  // The mean of before and after, as benchmark 1 does: it halves the effect of drifting load.
  const perSecond = round((before.perSecond + after.perSecond) / 2, 2);
  const hashLimit = { algorithm: before.algorithm, perSecond, before, after };
  return { ...result, hashLimit, loginOverHashLimit: round(result.login.summary.rps / perSecond, 3) };
}

async function measureServer(
  system: PeerSystem,
): Promise<Omit<SystemResult, 'hashLimit' | 'loginOverHashLimit'>> {
  const server = await system.start();
  log(`peers, ${system.name}: first 200 after ${round(server.firstOkSeconds, 2)} s`);
  try {
    await sleep(IDLE_RSS_DELAY_MS);
    const idleRssMb = rssMb(server.pid);
    const base = { durationS: settings.durationS };
    const login = system.login(server.url);
    let next = 0;
    log(`peers, ${system.name}: login, ${settings.loginConnections} connections`);
    const loginRun = await closedLoop(
      {
        ...base,
        urls: [login.url],
        method: 'POST',
        headers: login.headers,
        bodyFor: () => login.bodies[next++ % login.bodies.length] ?? '',
        connections: settings.loginConnections,
      },
      server.pid,
    );

    let refresh: SystemResult['refresh'];
    if (system.refresh !== undefined) {
      const protocol = system.refresh(server.url);
      const sessions = await pool(settings.refreshSessions, 4, (i) => system.session(server.url, i, false));
      let tokens = sessions.map((s) => s.refreshToken ?? '');
      log(`peers, ${system.name}: refresh rotation, ${tokens.length} chains`);
      tokens = [...(await chains(protocol, tokens, WARMUP_S)).finalTokens];
      const window = cpuWindow({ server: server.pid });
      let cpu: CpuWindow | undefined;
      const closer = setTimeout(() => (cpu = roundCpu(window.end())), settings.durationS * 1000);
      const { finalTokens: _final, ...run } = await chains(protocol, tokens, settings.durationS);
      clearTimeout(closer);
      cpu ??= roundCpu(window.end());
      if (run.brokenChains > 0)
        throw new Error(`${system.name}: ${run.brokenChains} broken chains: ${run.firstFailure}`);
      refresh = {
        chains: run,
        cpu,
        perServerCpuSecond: round(run.rps / (cpu.processes['server'] ?? Number.NaN), 1),
      };
    }

    const { headers } = await system.session(server.url, 0, true);
    const checkUrl = system.sessionCheckUrl(server.url);
    const probe = await fetch(checkUrl, { headers });
    const probeBody = await probe.text();
    // Better Auth answers 200 with `null` for an unknown session: only a body with the user counts.
    if (probe.status !== 200 || !probeBody.includes('@bench.example'))
      throw new Error(
        `${system.name}: the session check answered ${probe.status} ${probeBody.slice(0, 200)}`,
      );
    log(`peers, ${system.name}: session check, ${settings.readConnections} connections`);
    const check = { ...base, urls: [checkUrl], headers, connections: settings.readConnections };
    const sessionCheck = await closedLoop(check, server.pid);
    const rate = Math.max(1, Math.round(sessionCheck.summary.rps / 2));
    log(`peers, ${system.name}: session check at ${rate} req/s (half)`);
    await sleep(500);
    const half = await cannon({ ...check, overallRate: rate, warmupS: WARMUP_S });
    const loadedRssMb = rssMb(server.pid);
    return {
      name: system.name,
      version: system.version,
      settingsNote: system.settingsNote,
      firstOkSeconds: round(server.firstOkSeconds, 2),
      idleRssMb,
      loadedRssMb,
      login: loginRun,
      ...(refresh === undefined ? {} : { refresh }),
      sessionCheck,
      half,
    };
  } finally {
    await server.stop();
  }
}

/** Cores busy on the machine that were neither the server nor this client (other helpers' work). */
const otherCores = (cpu: CpuWindow): string =>
  round(cpu.machine - (cpu.processes['server'] ?? 0) - cpu.client, 2).toFixed(2);

const fmt = (value: number, digits = 1): string => round(value, digits).toLocaleString('en');

function ratioRow(
  measure: string,
  our: number,
  peer: SystemResult,
  peerValue: number,
  unit: string,
  target?: number,
): Row {
  const ratio = our / peerValue;
  const known = Number.isFinite(ratio);
  const v: Verdict = target === undefined || !known ? 'info' : verdict(ratio >= target);
  return {
    benchmark: `peers ${measure}, ours ÷ ${peer.name}`,
    figure: `${fmt(our)} ${unit}`,
    limit: `${fmt(peerValue)} ${unit} (${peer.name} ${peer.version})`,
    ratio: known ? round(ratio, 3) : null,
    target: target === undefined ? 'none (reported)' : `≥ ${target}`,
    verdict: v,
    details: {},
  };
}

function rows(our: SystemResult, peers: readonly SystemResult[]): Row[] {
  const out: Row[] = [];
  for (const system of [our, ...peers]) {
    const atTwelve = system === our && settings.bcryptCost === 12;
    out.push({
      benchmark: `peers login ÷ own hash limit, ${system.name}`,
      figure: `${fmt(system.login.summary.rps)} login/s`,
      limit: `${fmt(system.hashLimit.perSecond)} ${system.hashLimit.algorithm}/s`,
      ratio: system.loginOverHashLimit,
      target:
        system === our ? `≥ 0.95 at cost 12 (this run: cost ${settings.bcryptCost})` : 'none (reported)',
      verdict: atTwelve ? verdict(system.loginOverHashLimit >= 0.95) : 'info',
      details: {},
    });
  }
  const kc = peers.find((p) => p.name === 'Keycloak');
  const ba = peers.find((p) => p.name === 'Better Auth');
  if (kc !== undefined && our.refresh !== undefined && kc.refresh !== undefined)
    out.push(
      ratioRow(
        'refresh per server-CPU-second',
        our.refresh.perServerCpuSecond,
        kc,
        kc.refresh.perServerCpuSecond,
        'refresh/CPU-s',
        10,
      ),
    );
  if (kc !== undefined)
    out.push(
      ratioRow(
        'session check per server-CPU-second',
        our.sessionCheck.perServerCpuSecond,
        kc,
        kc.sessionCheck.perServerCpuSecond,
        'checks/CPU-s',
        3,
      ),
    );
  if (ba !== undefined)
    out.push(
      ratioRow(
        'session check per server-CPU-second',
        our.sessionCheck.perServerCpuSecond,
        ba,
        ba.sessionCheck.perServerCpuSecond,
        'checks/CPU-s',
        10,
      ),
    );
  for (const peer of peers) {
    if (peer.refresh !== undefined && our.refresh !== undefined)
      out.push(ratioRow('refresh/s', our.refresh.chains.rps, peer, peer.refresh.chains.rps, 'refresh/s'));
    out.push(
      ratioRow(
        'session check/s',
        our.sessionCheck.summary.rps,
        peer,
        peer.sessionCheck.summary.rps,
        'checks/s',
      ),
    );
    out.push(ratioRow('p50 at half load (lower is better)', our.half.p50Ms, peer, peer.half.p50Ms, 'ms'));
    out.push(ratioRow('p99 at half load (lower is better)', our.half.p99Ms, peer, peer.half.p99Ms, 'ms'));
    out.push(ratioRow('idle RSS (lower is better)', our.idleRssMb, peer, peer.idleRssMb, 'MB'));
    out.push(ratioRow('RSS after the load (lower is better)', our.loadedRssMb, peer, peer.loadedRssMb, 'MB'));
    out.push(
      ratioRow('spawn → first 200 (lower is better)', our.firstOkSeconds, peer, peer.firstOkSeconds, 's'),
    );
  }
  return out;
}

/** The per-system table printed under the summary lines (the README's peers table). */
export function table(results: readonly SystemResult[]): string {
  const line = (label: string, value: (r: SystemResult) => string): string =>
    `| ${label} | ${results.map(value).join(' | ')} |`;
  return [
    `| measure | ${results.map((r) => `${r.name} ${r.version}`).join(' | ')} |`,
    `| --- | ${results.map(() => '---:').join(' | ')} |`,
    line(
      'login/s (per server-CPU-s)',
      (r) => `${fmt(r.login.summary.rps)} (${fmt(r.login.perServerCpuSecond)})`,
    ),
    line('own hash limit/s', (r) => `${fmt(r.hashLimit.perSecond)} (${r.hashLimit.algorithm})`),
    line('login ÷ own hash limit', (r) => r.loginOverHashLimit.toFixed(2)),
    line('refresh/s (per server-CPU-s)', (r) =>
      r.refresh === undefined ? 'n/a' : `${fmt(r.refresh.chains.rps)} (${fmt(r.refresh.perServerCpuSecond)})`,
    ),
    line(
      'session check/s (per server-CPU-s)',
      (r) => `${fmt(r.sessionCheck.summary.rps)} (${fmt(r.sessionCheck.perServerCpuSecond)})`,
    ),
    line('p50 / p99 at half load, ms', (r) => `${r.half.p50Ms} / ${r.half.p99Ms} at ${fmt(r.half.rps, 0)}/s`),
    line('RSS idle / after load, MB', (r) => `${r.idleRssMb} / ${r.loadedRssMb}`),
    line('spawn → first 200, s', (r) => r.firstOkSeconds.toFixed(2)),
    line('non-2xx + errors (login / refresh / check / half)', (r) =>
      [r.login.summary, r.refresh?.chains, r.sessionCheck.summary, r.half]
        .map((x) => (x === undefined ? '–' : String(x.non2xx + x.errors)))
        .join(' / '),
    ),
    line('other processes, cores (login / refresh / check)', (r) =>
      [r.login.cpu, r.refresh?.cpu, r.sessionCheck.cpu]
        .map((c) => (c === undefined ? '–' : otherCores(c)))
        .join(' / '),
    ),
  ].join('\n');
}

export const peers: Benchmark = {
  name: 'peers',
  title: 'Peers: ours (embedded) vs Keycloak and Better Auth, same load, same run',
  async run() {
    const results: SystemResult[] = [];
    const makers = { ours, keycloak, 'better-auth': betterAuth };
    const chosen = Object.entries(makers).filter(([name]) => name === 'ours' || ONLY.includes(name));
    for (const [, make] of chosen) {
      const system = await make();
      try {
        results.push(await measure(system));
      } finally {
        await system.cleanUp();
      }
    }
    const [our, ...others] = results;
    if (our === undefined) throw new Error('ours did not run');
    const summary = table(results);
    process.stdout.write(`\n${summary}\n\n`);
    return { rows: rows(our, others), extra: { warmupS: WARMUP_S, systems: results, table: summary } };
  },
};
