/**
 * `POST /auth/password/forgot` must not tell registered addresses from others: same status, same
 * body, and the same time (median ratio within 0.8–1.25). Requests alternate between the two and
 * pause in between, so the mail the registered one queues is sent outside the measured requests.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { register, uniqueEmail } from '../support/api.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

vi.setConfig({ testTimeout: 120_000 });

const ROUNDS = 60;
const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('forgot timing (embedded, .eml adapter)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp('embedded', { env: { RATE_LIMIT_MAIL_PER_HOUR: '1000000' } });
  });
  afterAll(async () => {
    await app.dispose();
  });

  it('a registered and an unregistered address: same status and body, median time ratio in 0.8–1.25', async () => {
    const known = await register(app);
    const unknown = uniqueEmail('nobody');
    const time = async (email: string): Promise<{ ms: number; status: number; body: string }> => {
      const started = performance.now();
      const response = await app.request('/auth/password/forgot', { method: 'POST', json: { email } });
      const body = await response.text();
      return { ms: performance.now() - started, status: response.status, body };
    };
    // Warm both paths (statement caches, stream caches) before measuring.
    for (let i = 0; i < 5; i++) {
      await time(known.email);
      await time(unknown);
    }
    const expected = (await time(unknown)).body;
    const registered: number[] = [];
    const unregistered: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const order = i % 2 === 0 ? [known.email, unknown] : [unknown, known.email];
      for (const email of order) {
        const { ms, status, body } = await time(email);
        expect(status).toBe(202);
        expect(body).toBe(expected);
        (email === unknown ? unregistered : registered).push(ms);
        await sleep(25);
      }
    }
    const ratio = median(registered) / median(unregistered);
    console.log(
      `forgot median registered ${median(registered).toFixed(2)} ms, unregistered ${median(unregistered).toFixed(2)} ms, ratio ${ratio.toFixed(3)}`,
    );
    expect(ratio).toBeGreaterThan(0.8);
    expect(ratio).toBeLessThan(1.25);
  });
});
