import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, register } from '../support/api.js';
import { allEvents } from '../support/events.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

describe('issue 9 item 2: X-Forwarded-For cannot multiply budgets or inject addresses', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp('embedded', { env: { TRUST_PROXY: '1', LOCKOUT_THRESHOLD: '3' } });
  });
  afterAll(async () => {
    await app.dispose();
  });

  const guess = (email: string, forwardedFor: string, password = 'wrong password!') =>
    app.request('/auth/login', {
      method: 'POST',
      json: { email, password },
      headers: { 'X-Forwarded-For': forwardedFor },
    });

  it('300 invented leftmost addresses share the one budget of the address the proxy saw', async () => {
    const user = await register(app);
    const statuses: number[] = [];
    for (let i = 0; i < 300; i++) {
      statuses.push((await guess(user.email, `10.${i >> 8}.${i & 255}.1, 198.51.100.7`)).status);
    }
    expect(statuses.filter((s) => s === 401)).toHaveLength(2);
    expect(statuses.filter((s) => s === 429)).toHaveLength(298);
    // Another real address is unaffected: the lock is per account and address.
    expect((await guess(user.email, '198.51.100.8', PASSWORD)).status).toBe(200);
  });

  it('one IPv6 /64 counts as one address', async () => {
    const user = await register(app);
    const statuses: number[] = [];
    for (let i = 1; i <= 6; i++) statuses.push((await guess(user.email, `2001:db8:7:7::${i}`)).status);
    expect(statuses).toEqual([401, 401, 429, 429, 429, 429]);
    expect((await guess(user.email, '2001:db8:7:8::1', PASSWORD)).status).toBe(200);
  });

  it('`<script>` in X-Forwarded-For never lands in an event', async () => {
    const user = await register(app);
    expect((await guess(user.email, '<script>alert(1)</script>')).status).toBe(401);
    expect((await guess(user.email, '"><img src=x>', PASSWORD)).status).toBe(200);
    const events = await allEvents(app);
    expect(JSON.stringify(events)).not.toMatch(/<script>|<img/);
    const mine = events.filter((e) => e.data.identifier === user.email);
    expect(mine.map((e) => e.data.ip)).toEqual(['127.0.0.1', '127.0.0.1']);
  });
});
