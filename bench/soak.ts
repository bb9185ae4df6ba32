/**
 * `npm run soak`: the soak test of issue #6 ("Hostile input", item 3). Not run in CI.
 *
 * Starts the real service (`node dist/main.js`, embedded store in a fresh directory, or MongoDB when
 * SOAK_MONGODB_URI is set) and drives SOAK_MINUTES of mixed traffic from SOAK_WORKERS concurrent
 * user workers plus one administrator. Every SOAK_SAMPLE_SECONDS it prints one line: the server's
 * RSS and heap, requests per kind, status classes, unexpected statuses, p50/p99 latency of the
 * interval and the projection lag. At the end: RSS first/min/max/last and its slope over the second
 * half, totals, errors by kind; writes bench/results/soak.json. Exit code 1 on any 5xx or
 * connection error (unexpected 4xx are reported, not fatal).
 */
import { readFileSync } from 'node:fs';
import { log, machineInfo, round, settings, sleep } from './support/env.js';
import { percentile } from './support/load.js';
import { writeResults } from './support/results.js';
import { startServer, type RunningServer } from './support/server.js';

/** `/metrics` is closed without it on the public listener. */
const SOAK_METRICS_TOKEN = 'soak-metrics-token-0123456789';

// ---------------------------------------------------------------------------------------- knobs

const positive = (name: string, fallback: number): number => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0)
    throw new Error(`${name} must be a positive number, got "${raw}"`);
  return value;
};

const soak = {
  minutes: positive('SOAK_MINUTES', 10),
  sampleSeconds: positive('SOAK_SAMPLE_SECONDS', 15),
  workers: Math.round(positive('SOAK_WORKERS', 8)),
  /** Operations a worker runs inside one signed-in session before logging out. */
  opsPerSession: Math.round(positive('SOAK_OPS_PER_SESSION', 25)),
  /** Share of worker cycles that register a new user (the others sign in one of their own again). */
  registerShare: positive('SOAK_REGISTER_SHARE', 0.25),
  mongoUri: process.env['SOAK_MONGODB_URI'],
  bcryptCost: settings.bcryptCost,
  logLevel: settings.logLevel,
};

const PASSWORD = 'soak test password 42 long';
const ADMIN = { email: 'soak-admin@soak.example', password: 'soak admin password 42 long' };
const REQUEST_TIMEOUT_MS = 30_000;

// ------------------------------------------------------------------------------ request kinds

/** Every request the soak sends, with the statuses that are correct for it. */
const EXPECTED = {
  register: [201],
  login: [200],
  'login-wrong-password': [401],
  'login-unknown-user': [401],
  refresh: [200],
  me: [200],
  'patch-me': [200],
  sessions: [200],
  logout: [204],
  'me-after-logout': [401],
  'admin-login': [200],
  'admin-login-attempts': [200],
  'admin-users': [200],
  metrics: [200],
} as const satisfies Record<string, readonly number[]>;

type Kind = keyof typeof EXPECTED;
const KINDS = Object.keys(EXPECTED) as Kind[];
/** Kinds that run bcrypt on the server (hash or compare): tens of ms each, reported apart. */
const BCRYPT_KINDS: ReadonlySet<Kind> = new Set([
  'register',
  'login',
  'login-wrong-password',
  'login-unknown-user',
  'admin-login',
]);

type StatusClass = '2xx' | '3xx' | '4xx' | '5xx' | 'error';
const classOf = (status: number): StatusClass =>
  status === 0 ? 'error' : status >= 500 ? '5xx' : status >= 400 ? '4xx' : status >= 300 ? '3xx' : '2xx';

interface KindTotals {
  requests: number;
  unexpected: number;
  /** Count per status (0 = connection error or timeout). */
  statuses: Record<string, number>;
}

interface UnexpectedExample {
  readonly atS: number;
  readonly kind: Kind;
  readonly status: number;
  readonly detail: string;
}

/** Counters for the whole run, and the current sampling interval's counts and latencies. */
class Stats {
  readonly totals = new Map<Kind, KindTotals>(
    KINDS.map((kind) => [kind, { requests: 0, unexpected: 0, statuses: {} }]),
  );
  readonly examples: UnexpectedExample[] = [];
  interval = Stats.emptyInterval();

  static emptyInterval(): {
    perKind: Map<Kind, number>;
    classes: Record<StatusClass, number>;
    unexpected: number;
    fastMs: number[];
    bcryptMs: number[];
  } {
    return {
      perKind: new Map(),
      classes: { '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0, error: 0 },
      unexpected: 0,
      fastMs: [],
      bcryptMs: [],
    };
  }

  constructor(private readonly startedAt: number) {}

  record(kind: Kind, status: number, ms: number, detail: () => string): void {
    const totals = this.totals.get(kind);
    if (totals === undefined) return;
    totals.requests++;
    totals.statuses[status] = (totals.statuses[status] ?? 0) + 1;
    const interval = this.interval;
    interval.perKind.set(kind, (interval.perKind.get(kind) ?? 0) + 1);
    interval.classes[classOf(status)]++;
    (BCRYPT_KINDS.has(kind) ? interval.bcryptMs : interval.fastMs).push(ms);
    if (!(EXPECTED[kind] as readonly number[]).includes(status)) {
      totals.unexpected++;
      interval.unexpected++;
      if (this.examples.length < 50) {
        const atS = round((performance.now() - this.startedAt) / 1000, 1);
        this.examples.push({ atS, kind, status, detail: detail().slice(0, 300) });
      }
    }
  }

  /** The interval so far, and a fresh one for what follows. */
  take(): ReturnType<typeof Stats.emptyInterval> {
    const taken = this.interval;
    this.interval = Stats.emptyInterval();
    return taken;
  }
}

// ----------------------------------------------------------------------------------- the client

interface Answer {
  readonly status: number;
  readonly body: unknown;
}

interface Tokens {
  access: string;
  refresh: string;
  /** When to sign in again (the access token's expiry, less a minute). */
  renewAt: number;
}

class Client {
  constructor(
    private readonly baseUrl: string,
    private readonly stats: Stats,
  ) {}

  async call(
    kind: Kind,
    method: 'GET' | 'POST' | 'PATCH',
    path: string,
    options: { readonly token?: string; readonly json?: unknown } = {},
  ): Promise<Answer> {
    const headers: Record<string, string> = { 'user-agent': `soak/${kind}` };
    if (options.token !== undefined) headers['authorization'] = `Bearer ${options.token}`;
    if (options.json !== undefined) headers['content-type'] = 'application/json';
    const started = performance.now();
    try {
      const response = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers,
        ...(options.json === undefined ? {} : { body: JSON.stringify(options.json) }),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      const text = await response.text();
      const ms = performance.now() - started;
      this.stats.record(kind, response.status, ms, () => `${method} ${path}: ${text}`);
      let body: unknown = text;
      if (text !== '' && (response.headers.get('content-type') ?? '').includes('json')) {
        try {
          body = JSON.parse(text) as unknown;
        } catch {
          // kept as text
        }
      }
      return { status: response.status, body };
    } catch (error) {
      const ms = performance.now() - started;
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      this.stats.record(kind, 0, ms, () => `${method} ${path}: ${message}`);
      return { status: 0, body: undefined };
    }
  }

  async logIn(kind: 'login' | 'admin-login', email: string, password: string): Promise<Tokens | undefined> {
    const answer = await this.call(kind, 'POST', '/auth/login', { json: { email, password } });
    return answer.status === 200 ? tokensOf(answer.body) : undefined;
  }
}

function tokensOf(body: unknown): Tokens | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const { access_token, refresh_token, expires_in } = body as Record<string, unknown>;
  if (typeof access_token !== 'string' || typeof refresh_token !== 'string') return undefined;
  const lifetimeS = typeof expires_in === 'number' ? expires_in : 900;
  return {
    access: access_token,
    refresh: refresh_token,
    renewAt: Date.now() + Math.max(10, lifetimeS - 60) * 1000,
  };
}

// ---------------------------------------------------------------------------------- the traffic

const pick = <T>(items: readonly T[]): T | undefined => items[Math.floor(Math.random() * items.length)];

/**
 * One user worker: cycles of [register a new user (then one wrong-password login on it) or reuse one
 * of its own], a login on an unknown email, a login, `opsPerSession` operations in that session
 * (GET /users/me, refresh rotation, list sessions, PATCH /users/me), logout, and a GET /users/me
 * with the revoked access token. Each worker owns its users, so no two workers race on one user.
 * Wrong passwords go once per new user and unknown emails are fresh, so no lockout (429) is due.
 */
async function userWorker(client: Client, worker: number, running: () => boolean): Promise<void> {
  const users: string[] = [];
  let serial = 0;
  while (running()) {
    const cycle = serial++;
    let email = pick(users);
    if (email === undefined || Math.random() < soak.registerShare) {
      const fresh = `soak-w${worker}-${cycle}@soak.example`;
      const registered = await client.call('register', 'POST', '/auth/register', {
        json: { email: fresh, password: PASSWORD, full_name: `Soak ${worker}/${cycle}` },
      });
      if (registered.status !== 201) continue;
      users.push(fresh);
      email = fresh;
      await client.call('login-wrong-password', 'POST', '/auth/login', {
        json: { email, password: `${PASSWORD} wrong` },
      });
    }
    await client.call('login-unknown-user', 'POST', '/auth/login', {
      json: { email: `nobody-w${worker}-${cycle}@soak.example`, password: PASSWORD },
    });
    const tokens = await client.logIn('login', email, PASSWORD);
    if (tokens === undefined) continue;

    for (let op = 0; op < soak.opsPerSession && running(); op++) {
      const roll = Math.random();
      if (roll < 0.45) {
        await client.call('me', 'GET', '/users/me', { token: tokens.access });
      } else if (roll < 0.65) {
        const answer = await client.call('refresh', 'POST', '/auth/refresh', {
          json: { refresh_token: tokens.refresh },
        });
        const next = answer.status === 200 ? tokensOf(answer.body) : undefined;
        if (next === undefined) break; // the session is gone: start a new cycle
        Object.assign(tokens, next);
      } else if (roll < 0.8) {
        await client.call('sessions', 'GET', '/users/me/sessions', { token: tokens.access });
      } else {
        await client.call('patch-me', 'PATCH', '/users/me', {
          token: tokens.access,
          json: { full_name: `Soak ${worker}/${cycle}/${op}` },
        });
      }
    }
    await client.call('logout', 'POST', '/auth/logout', { json: { refresh_token: tokens.refresh } });
    await client.call('me-after-logout', 'GET', '/users/me', { token: tokens.access });
  }
}

/** The administrator: the audit trail and the user list, newest first, about twice a second. */
async function adminWorker(client: Client, running: () => boolean): Promise<void> {
  let tokens: Tokens | undefined;
  while (running()) {
    if (tokens === undefined || Date.now() >= tokens.renewAt) {
      tokens = await client.logIn('admin-login', ADMIN.email, ADMIN.password);
      if (tokens === undefined) {
        await sleep(1_000);
        continue;
      }
    }
    await client.call('admin-login-attempts', 'GET', '/admin/login-attempts?limit=50', {
      token: tokens.access,
    });
    await client.call('admin-users', 'GET', '/admin/users?limit=50&q=soak', { token: tokens.access });
    await sleep(500);
  }
}

// -------------------------------------------------------------------------------------- sampling

/** VmRSS of a process in MB, from /proc/<pid>/status; NaN when it is gone. */
function rssMb(pid: number): number {
  try {
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match?.[1] === undefined ? Number.NaN : Number(match[1]) / 1024;
  } catch {
    return Number.NaN;
  }
}

/** The values of one metric in Prometheus text (one per label set). */
function metricValues(text: string, name: string): number[] {
  const pattern = new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'gm');
  return [...text.matchAll(pattern)].map((m) => Number(m[1]));
}

interface Sample {
  readonly atS: number;
  readonly rssMb: number;
  /** nodejs_heap_size_used_bytes from /metrics, in MB (null if unavailable). */
  readonly heapUsedMb: number | null;
  /** auth_event_store_head_position: events in the store. */
  readonly events: number | null;
  /** Largest auth_projection_lag_events over the read models. */
  readonly projectionLag: number | null;
  readonly requests: number;
  readonly perKind: Readonly<Record<string, number>>;
  readonly classes: Readonly<Record<StatusClass, number>>;
  readonly unexpected: number;
  /** Latency of the requests that do not run bcrypt, and of those that do (ms). */
  readonly fastP50Ms: number;
  readonly fastP99Ms: number;
  readonly bcryptP50Ms: number;
  readonly bcryptP99Ms: number;
}

async function takeSample(server: RunningServer, client: Client, stats: Stats, atS: number): Promise<Sample> {
  const interval = stats.take();
  const rss = rssMb(server.pid);
  const metrics = await client.call('metrics', 'GET', '/metrics', { token: SOAK_METRICS_TOKEN });
  const text = typeof metrics.body === 'string' ? metrics.body : '';
  const first = (name: string): number | null => metricValues(text, name)[0] ?? null;
  const heap = first('nodejs_heap_size_used_bytes');
  const lags = metricValues(text, 'auth_projection_lag_events');
  const sorted = (values: number[]): number[] => values.sort((a, b) => a - b);
  const fast = sorted(interval.fastMs);
  const bcrypt = sorted(interval.bcryptMs);
  return {
    atS: round(atS, 1),
    rssMb: round(rss, 1),
    heapUsedMb: heap === null ? null : round(heap / 2 ** 20, 1),
    events: first('auth_event_store_head_position'),
    projectionLag: lags.length === 0 ? null : Math.max(...lags),
    requests: fast.length + bcrypt.length,
    perKind: Object.fromEntries(interval.perKind),
    classes: interval.classes,
    unexpected: interval.unexpected,
    fastP50Ms: round(percentile(fast, 50), 2),
    fastP99Ms: round(percentile(fast, 99), 2),
    bcryptP50Ms: round(percentile(bcrypt, 50), 1),
    bcryptP99Ms: round(percentile(bcrypt, 99), 1),
  };
}

const SHORT: Partial<Record<Kind, string>> = {
  register: 'reg',
  login: 'login',
  'login-wrong-password': 'bad',
  'login-unknown-user': 'unk',
  refresh: 'refr',
  me: 'me',
  'patch-me': 'patch',
  sessions: 'sess',
  logout: 'out',
  'admin-login-attempts': 'adm',
};

function sampleLine(s: Sample): string {
  const kinds = KINDS.filter((k) => SHORT[k] !== undefined)
    .map((k) => `${SHORT[k]} ${s.perKind[k] ?? 0}`)
    .join(' ');
  const c = s.classes;
  return (
    `t=${String(Math.round(s.atS)).padStart(4)}s rss ${s.rssMb.toFixed(1)} MB heap ${s.heapUsedMb ?? '?'} MB ` +
    `events ${s.events ?? '?'} lag ${s.projectionLag ?? '?'} | ${s.requests} req (${kinds}) | ` +
    `2xx ${c['2xx']} 4xx ${c['4xx']} 5xx ${c['5xx']} err ${c.error} unexpected ${s.unexpected} | ` +
    `p50/p99 ${s.fastP50Ms}/${s.fastP99Ms} ms, bcrypt ${s.bcryptP50Ms}/${s.bcryptP99Ms} ms`
  );
}

/** Least-squares slope of y over x (per unit of x); NaN with fewer than two points. */
function slope(points: readonly (readonly [number, number])[]): number {
  const valid = points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  if (valid.length < 2) return Number.NaN;
  const mx = valid.reduce((a, [x]) => a + x, 0) / valid.length;
  const my = valid.reduce((a, [, y]) => a + y, 0) / valid.length;
  const sxy = valid.reduce((a, [x, y]) => a + (x - mx) * (y - my), 0);
  const sxx = valid.reduce((a, [x]) => a + (x - mx) ** 2, 0);
  return sxx === 0 ? Number.NaN : sxy / sxx;
}

// ------------------------------------------------------------------------------------------ main

/** A fresh database on the given MongoDB server, so every soak starts from an empty store. */
function freshDatabase(uri: string): string {
  const [base, query] = uri.split('?', 2) as [string, string | undefined];
  const host = base.replace(/^(mongodb(\+srv)?:\/\/[^/]+).*$/, '$1');
  return `${host}/auth-soak-${Date.now()}${query === undefined ? '' : `?${query}`}`;
}

async function main(): Promise<void> {
  const machine = machineInfo();
  const store = soak.mongoUri === undefined ? 'embedded' : 'mongodb';
  log(
    `soak: ${soak.minutes} min, ${soak.workers} workers + admin, sample every ${soak.sampleSeconds} s, ` +
      `${store} store, bcrypt cost ${soak.bcryptCost}; ${machine.cpuModel}, ${machine.cores} cores, ` +
      `load average ${machine.loadAverage.join(' ')}`,
  );
  const serverLog = { warn: 0, error: 0, firstLines: [] as string[] };
  let pending = '';
  const server = await startServer({
    bcryptCost: soak.bcryptCost,
    ...(soak.mongoUri === undefined ? {} : { mongoUri: freshDatabase(soak.mongoUri) }),
    env: { ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password, METRICS_TOKEN: SOAK_METRICS_TOKEN },
    onStdout: (chunk) => {
      const lines = (pending + chunk).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const level = Number(/"level":(\d+)/.exec(line)?.[1] ?? 0);
        if (level >= 50) serverLog.error++;
        else if (level >= 40) serverLog.warn++;
        else continue;
        if (serverLog.firstLines.length < 20) serverLog.firstLines.push(line.slice(0, 1_000));
      }
    },
  });
  log(
    `server pid ${server.pid} at ${server.url}${server.dataDir === undefined ? '' : `, DATA_DIR ${server.dataDir}`}`,
  );

  const startedAt = performance.now();
  const stats = new Stats(startedAt);
  const client = new Client(server.url, stats);
  const samples: Sample[] = [await takeSample(server, client, stats, 0)];
  process.stdout.write(`${sampleLine(samples[0] as Sample)}\n`);

  const durationMs = soak.minutes * 60_000;
  let running = true;
  const traffic = Promise.all([
    ...Array.from({ length: soak.workers }, (_, w) => userWorker(client, w, () => running)),
    adminWorker(client, () => running),
  ]);
  const sampleMs = soak.sampleSeconds * 1000;
  for (let next = sampleMs; next <= durationMs + 1; next += sampleMs) {
    await sleep(Math.max(0, startedAt + next - performance.now()));
    const sample = await takeSample(server, client, stats, (performance.now() - startedAt) / 1000);
    samples.push(sample);
    process.stdout.write(`${sampleLine(sample)}\n`);
  }
  running = false;
  await traffic;
  const elapsedS = (performance.now() - startedAt) / 1000;
  await server.stop();

  // ------------------------------------------------------------------------------- the summary
  const rss = samples.map((s) => s.rssMb);
  const half = (soak.minutes * 60) / 2;
  const secondHalf = samples.filter((s) => s.atS >= half);
  const rssSlope = slope(secondHalf.map((s) => [s.atS / 60, s.rssMb]));
  const heapSlope = slope(secondHalf.map((s) => [s.atS / 60, s.heapUsedMb ?? Number.NaN]));
  const firstEvents = secondHalf[0]?.events ?? null;
  const lastEvents = samples.at(-1)?.events ?? null;
  const totals = Object.fromEntries(stats.totals);
  const sum = (f: (t: KindTotals) => number): number =>
    [...stats.totals.values()].reduce((a, t) => a + f(t), 0);
  const statusCount = (test: (status: number) => boolean): number =>
    sum((t) =>
      Object.entries(t.statuses)
        .filter(([status]) => test(Number(status)))
        .reduce((a, [, n]) => a + n, 0),
    );
  const fiveXx = statusCount((s) => s >= 500);
  const connectionErrors = statusCount((s) => s === 0);
  const unexpected = sum((t) => t.unexpected);
  const requests = sum((t) => t.requests);
  const summary = {
    durationS: round(elapsedS, 1),
    requests,
    requestsPerSecond: round(requests / elapsedS, 1),
    rssMb: {
      first: rss[0] ?? null,
      min: Math.min(...rss),
      max: Math.max(...rss),
      last: rss.at(-1) ?? null,
      slopeSecondHalfMbPerMin: round(rssSlope, 2),
    },
    heapUsedSlopeSecondHalfMbPerMin: round(heapSlope, 2),
    events: {
      last: lastEvents,
      addedInSecondHalf: lastEvents === null || firstEvents === null ? null : lastEvents - firstEvents,
    },
    maxProjectionLag: Math.max(...samples.map((s) => s.projectionLag ?? 0)),
    fiveXx,
    connectionErrors,
    unexpected,
    serverLog: { warn: serverLog.warn, error: serverLog.error },
  };

  const lines = [
    '',
    `soak ${store}, ${round(elapsedS / 60, 1)} min, ${soak.workers} workers + admin: ${requests} requests (${summary.requestsPerSecond}/s)`,
    `RSS MB: first ${summary.rssMb.first}, min ${summary.rssMb.min}, max ${summary.rssMb.max}, last ${summary.rssMb.last}; ` +
      `slope over the second half ${summary.rssMb.slopeSecondHalfMbPerMin} MB/min (heap used ${summary.heapUsedSlopeSecondHalfMbPerMin} MB/min)`,
    `events in the store: ${lastEvents ?? '?'} (${summary.events.addedInSecondHalf ?? '?'} in the second half); max projection lag ${summary.maxProjectionLag}`,
    `5xx ${fiveXx}, connection errors ${connectionErrors}, unexpected statuses ${unexpected}; server log: ${serverLog.warn} warn, ${serverLog.error} error lines`,
    'by kind (requests, statuses, unexpected):',
    ...KINDS.map((kind) => {
      const t = stats.totals.get(kind);
      if (t === undefined || t.requests === 0) return `  ${kind}: 0`;
      const statuses = Object.entries(t.statuses)
        .map(([status, n]) => `${status === '0' ? 'error' : status}×${n}`)
        .join(' ');
      return `  ${kind.padEnd(21)} ${String(t.requests).padStart(7)}  ${statuses}${t.unexpected > 0 ? `  UNEXPECTED ${t.unexpected}` : ''}`;
    }),
    ...(stats.examples.length === 0
      ? []
      : [
          'first unexpected answers:',
          ...stats.examples.slice(0, 10).map((e) => `  t=${e.atS}s ${e.kind} ${e.status}: ${e.detail}`),
        ]),
    ...(serverLog.firstLines.length === 0
      ? []
      : ['server warn/error log lines:', ...serverLog.firstLines.slice(0, 5).map((l) => `  ${l}`)]),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);

  const target = await writeResults(
    {
      machine,
      command: 'npm run soak',
      settings: { ...soak, mongoUri: soak.mongoUri === undefined ? null : '(set)', store },
      summary,
      totals,
      unexpectedExamples: stats.examples,
      serverLogLines: serverLog.firstLines,
      samples,
    },
    'soak.json',
  );
  log(`wrote ${target}`);
  if (fiveXx > 0 || connectionErrors > 0) {
    log(`FAIL: ${fiveXx} 5xx and ${connectionErrors} connection errors`);
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
