/**
 * Refresh chains against any server (ours or Keycloak): one keep-alive connection per chain, each
 * request sending the refresh token the chain's previous answer returned, for `durationS`.
 * Only answers that complete inside the window count. (bench/support/load.ts's refreshChains is
 * the same loop for our JSON endpoint only.)
 */
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { round } from '../support/env.js';
import { percentile } from '../support/load.js';

export interface RefreshProtocol {
  readonly url: string;
  readonly contentType: string;
  body(token: string): string;
  /** The next refresh token from a 200 answer's body. */
  next(body: string): string;
}

export interface PeerChainSummary {
  readonly rps: number;
  readonly ok: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly brokenChains: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly durationS: number;
  readonly chains: number;
  readonly finalTokens: readonly string[];
  /** The first refused answer, to tell a broken rotation from an overload. */
  readonly firstFailure?: string;
}

function post(agent: http.Agent, url: URL, contentType: string, payload: string) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': contentType,
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

export async function chains(
  protocol: RefreshProtocol,
  tokens: readonly string[],
  durationS: number,
): Promise<PeerChainSummary> {
  const url = new URL(protocol.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: tokens.length });
  const latencies: number[] = [];
  let non2xx = 0;
  let errors = 0;
  let broken = 0;
  let firstFailure: string | undefined;
  const finalTokens: string[] = [];
  const deadline = performance.now() + durationS * 1000;
  const chain = async (first: string): Promise<void> => {
    let token = first;
    while (performance.now() < deadline) {
      const sent = performance.now();
      let answer;
      try {
        answer = await post(agent, url, protocol.contentType, protocol.body(token));
      } catch (error) {
        errors += 1;
        broken += 1;
        firstFailure ??= String(error);
        return;
      }
      const done = performance.now();
      if (answer.status !== 200) {
        non2xx += 1;
        broken += 1;
        firstFailure ??= `${answer.status} ${answer.body.slice(0, 300)}`;
        return;
      }
      token = protocol.next(answer.body);
      if (done <= deadline) latencies.push(done - sent);
    }
    finalTokens.push(token);
  };
  await Promise.all(tokens.map(chain));
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    rps: round(latencies.length / durationS, 1),
    ok: latencies.length,
    non2xx,
    errors,
    brokenChains: broken,
    p50Ms: round(percentile(latencies, 50), 2),
    p99Ms: round(percentile(latencies, 99), 2),
    durationS,
    chains: tokens.length,
    finalTokens,
    ...(firstFailure === undefined ? {} : { firstFailure }),
  };
}

/** VmRSS of a process in MB, or NaN if it is gone. */
export function rssMb(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match === null ? Number.NaN : round(Number(match[1]) / 1024, 1);
  } catch {
    return Number.NaN;
  }
}
