/**
 * Load generation: autocannon for throughput (closed loop, N keep-alive connections, or an
 * overall rate), and a small chain client for refresh rotation (each connection must send the
 * token its own previous response returned, which autocannon's per-loop context cannot express).
 *
 * Latency percentiles come from every response time at microsecond resolution (autocannon's own
 * histogram rounds to whole milliseconds, too coarse for sub-millisecond reads).
 */
import http from 'node:http';
import autocannon from 'autocannon';
import { round, settings } from './env.js';

export interface LoadSummary {
  /** 2xx responses per second over the measured window. */
  readonly rps: number;
  readonly ok: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly durationS: number;
  readonly connections: number;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

export interface CannonOptions {
  /** One URL, or several (connections are spread over them round-robin). */
  readonly urls: readonly string[];
  readonly method?: 'GET' | 'POST';
  readonly headers?: Record<string, string>;
  readonly body?: string;
  /** Called per request to vary the body (e.g. which user logs in). */
  readonly bodyFor?: () => string;
  readonly connections: number;
  /** The measured window. */
  readonly durationS: number;
  /**
   * Unmeasured seconds before the window, in the same run (JIT, pools, caches). One run rather
   * than two: a separate warm-up run would leave the requests it abandoned at its end queued in
   * the server (16 logins at bcrypt speed is seconds of work), eating the measured run's start.
   */
  readonly warmupS?: number;
  /** Total requests per second across all connections (open loop); closed loop when omitted. */
  readonly overallRate?: number;
  /** Called when the measured window opens and closes (CPU accounting). */
  readonly onWindowStart?: () => void;
  readonly onWindowEnd?: () => void;
}

/**
 * One autocannon run of warmupS + durationS; resolves with the summary of the responses that
 * completed inside the measured window (throughput, latency), and of all errors and non-2xx.
 */
export function cannon(options: CannonOptions): Promise<LoadSummary> {
  const latencies: number[] = [];
  const { bodyFor } = options;
  const warmupS = options.warmupS ?? 0;
  const request: autocannon.Request = {
    method: options.method ?? 'GET',
    ...(options.body === undefined ? {} : { body: options.body }),
    ...(bodyFor === undefined
      ? {}
      : { setupRequest: (req: autocannon.Request) => ({ ...req, body: bodyFor() }) }),
  };
  const opts: autocannon.Options = {
    // autocannon accepts an array of URLs at run time; its type says string.
    url: (options.urls.length === 1 ? options.urls[0] : options.urls) as unknown as string,
    connections: options.connections,
    duration: warmupS + options.durationS,
    pipelining: 1,
    timeout: 30,
    method: options.method ?? 'GET',
    headers: { 'user-agent': 'bench-autocannon', ...options.headers },
    requests: [request],
    ...(options.body === undefined ? {} : { body: options.body }),
    ...(options.overallRate === undefined ? {} : { overallRate: options.overallRate }),
  };
  const started = performance.now();
  const windowStart = started + warmupS * 1000;
  const windowEnd = windowStart + options.durationS * 1000;
  let measuring = false;
  const timers = [
    setTimeout(() => {
      measuring = true;
      options.onWindowStart?.();
    }, warmupS * 1000),
    setTimeout(
      () => {
        measuring = false;
        options.onWindowEnd?.();
      },
      (warmupS + options.durationS) * 1000,
    ),
  ];
  let non2xx = 0;
  return new Promise((resolve, reject) => {
    const instance = autocannon(opts, (error: unknown, result: autocannon.Result) => {
      timers.forEach(clearTimeout);
      if (measuring) options.onWindowEnd?.();
      if (error !== null && error !== undefined) {
        reject(error instanceof Error ? error : new Error(JSON.stringify(error)));
        return;
      }
      latencies.sort((a, b) => a - b);
      const measuredS = Math.min(options.durationS, (performance.now() - windowStart) / 1000);
      resolve({
        rps: round(latencies.length / measuredS, 1),
        ok: latencies.length,
        non2xx,
        errors: result.errors + result.timeouts,
        p50Ms: round(percentile(latencies, 50), 2),
        p90Ms: round(percentile(latencies, 90), 2),
        p99Ms: round(percentile(latencies, 99), 2),
        maxMs: round(latencies.at(-1) ?? Number.NaN, 2),
        durationS: round(measuredS, 2),
        connections: options.connections,
      });
    });
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (statusCode < 200 || statusCode >= 300) {
        non2xx += 1;
        return;
      }
      const now = performance.now();
      if (now >= windowStart && now <= windowEnd) latencies.push(responseTime);
    });
  });
}

/** The measured run with the configured warm-up in front of it. */
export const warmThenMeasure = (options: CannonOptions): Promise<LoadSummary> =>
  cannon({ ...options, warmupS: settings.warmupS });

// --- refresh chains -----------------------------------------------------------------------------

export interface ChainSummary extends LoadSummary {
  /** Chains that ended on a non-200 (a broken rotation) before the end of the window. */
  readonly brokenChains: number;
  /** Refreshes per second in the first and the last fifth of the window. */
  readonly firstFifthRps: number;
  readonly lastFifthRps: number;
  /** Longest chain at the end (refreshes, counting the first token). */
  readonly longestChain: number;
  /** The last token of every chain that is still intact, to carry on with in a next phase. */
  readonly finalTokens: readonly string[];
}

interface Post {
  status: number;
  body: string;
}

function postJson(agent: http.Agent, url: URL, payload: string): Promise<Post> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(payload),
          'user-agent': 'bench-chain',
        },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/**
 * One closed loop per refresh token: POST /auth/refresh with it, then with the token the answer
 * returned, for `durationS`. Every chain has its own keep-alive connection.
 */
export async function refreshChains(
  baseUrl: string,
  refreshTokens: readonly string[],
  durationS: number,
): Promise<ChainSummary> {
  const url = new URL('/auth/refresh', baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: refreshTokens.length });
  const latencies: number[] = [];
  const completions: number[] = [];
  let non2xx = 0;
  let errors = 0;
  let broken = 0;
  let longest = 0;
  const finalTokens: string[] = [];
  const started = performance.now();
  const deadline = started + durationS * 1000;

  const chain = async (first: string): Promise<void> => {
    let token = first;
    let length = 1;
    while (performance.now() < deadline) {
      const sent = performance.now();
      let answer: Post;
      try {
        answer = await postJson(agent, url, JSON.stringify({ refresh_token: token }));
      } catch {
        errors += 1;
        broken += 1;
        return;
      }
      const done = performance.now();
      if (answer.status !== 200) {
        non2xx += 1;
        broken += 1;
        return;
      }
      token = (JSON.parse(answer.body) as { refresh_token: string }).refresh_token;
      length += 1;
      if (done <= deadline) {
        latencies.push(done - sent);
        completions.push(done - started);
      }
    }
    longest = Math.max(longest, length);
    finalTokens.push(token);
  };
  await Promise.all(refreshTokens.map(chain));
  agent.destroy();

  latencies.sort((a, b) => a - b);
  const fifth = (durationS * 1000) / 5;
  const inFirst = completions.filter((t) => t < fifth).length;
  const inLast = completions.filter((t) => t >= durationS * 1000 - fifth).length;
  return {
    rps: round(latencies.length / durationS, 1),
    ok: latencies.length,
    non2xx,
    errors,
    p50Ms: round(percentile(latencies, 50), 2),
    p90Ms: round(percentile(latencies, 90), 2),
    p99Ms: round(percentile(latencies, 99), 2),
    maxMs: round(latencies.at(-1) ?? Number.NaN, 2),
    durationS,
    connections: refreshTokens.length,
    brokenChains: broken,
    firstFifthRps: round(inFirst / (fifth / 1000), 1),
    lastFifthRps: round(inLast / (fifth / 1000), 1),
    longestChain: longest,
    finalTokens,
  };
}
