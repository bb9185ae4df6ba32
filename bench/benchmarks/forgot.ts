/**
 * 7. `POST /auth/password/forgot` must take the same time for a registered and an unregistered
 * address (issue 11). Against `node dist/main.js` (embedded store, the `.eml` adapter), requests
 * alternate between one registered and one unregistered address, one at a time with a short
 * pause (so the queued mail of the registered one is sent between requests, as under light
 * load); the figure is the ratio of the medians. Target: 0.8–1.25 (the test's bounds).
 */
import { registerUsers } from '../support/api.js';
import { log, round, settings, sleep } from '../support/env.js';
import { verdict, type Benchmark, type Row } from '../support/results.js';
import { startServer } from '../support/server.js';

const PAUSE_MS = 20;

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};
const percentile = (values: readonly number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? Number.NaN;
};

async function timed(url: string, email: string): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${url}/auth/password/forgot`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email }),
  });
  await response.arrayBuffer();
  if (response.status !== 202) throw new Error(`forgot answered ${response.status}`);
  return performance.now() - started;
}

export const forgot: Benchmark = {
  name: 'forgot',
  title: '7. Password-reset request timing',
  async run() {
    const server = await startServer({ env: { RATE_LIMIT_MAIL_PER_HOUR: '1000000' } });
    const known: number[] = [];
    const other: number[] = [];
    try {
      const [email] = await registerUsers(server.url, 'forgot', 1);
      if (email === undefined) throw new Error('no user registered');
      const unknown = 'nobody-forgot@bench.example';
      const deadline = Date.now() + Math.min(settings.durationS, 30) * 1000;
      log(
        `forgot: alternating registered/unregistered requests for up to ${Math.min(settings.durationS, 30)} s`,
      );
      for (let i = 0; i < 20; i++) await timed(server.url, i % 2 === 0 ? email : unknown);
      // The order swaps every round, so neither address always follows the other's mail.
      for (let i = 0; Date.now() < deadline && i < 2000; i++) {
        for (const registered of i % 2 === 0 ? [true, false] : [false, true]) {
          (registered ? known : other).push(await timed(server.url, registered ? email : unknown));
          await sleep(PAUSE_MS);
        }
      }
    } finally {
      await server.stop();
    }
    const ratio = median(known) / median(other);
    const row: Row = {
      benchmark: `7 forgot: registered vs unregistered (${known.length} + ${other.length} requests)`,
      figure: `median ${round(median(known), 2)} ms vs ${round(median(other), 2)} ms`,
      limit: `p90 ${round(percentile(known, 0.9), 2)} ms vs ${round(percentile(other, 0.9), 2)} ms`,
      ratio: round(ratio, 3),
      target: '0.80–1.25',
      verdict: verdict(ratio >= 0.8 && ratio <= 1.25),
      details: { registeredMs: known, unregisteredMs: other },
    };
    return { rows: [row] };
  },
};
