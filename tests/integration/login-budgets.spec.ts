import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, expectProblem, register, uniqueEmail } from '../support/api.js';
import { allEvents } from '../support/events.js';
import { STORES, startTestApp, type TestApp } from '../support/test-app.js';

const verifications = async (app: TestApp): Promise<number> => {
  const text = await app.runtime.metrics.registry.metrics();
  const count = (operation: string): number =>
    Number(
      new RegExp(`auth_password_hashing_duration_seconds_count\\{operation="${operation}"\\} (\\d+)`).exec(
        text,
      )?.[1] ?? 0,
    );
  return count('verify') + count('verify_dummy');
};

describe.each(STORES)('issue 9 item 3: the guess budget is decided before bcrypt (%s)', (store) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp(store, { env: { LOCKOUT_THRESHOLD: '5' } });
  });
  afterAll(async () => {
    await app.dispose();
  });

  it('29 parallel wrong guesses with threshold 5: bcrypt verifies at most 5', async () => {
    const user = await register(app);
    const before = await verifications(app);
    const responses = await Promise.all(
      Array.from({ length: 29 }, () =>
        app.request('/auth/login', { method: 'POST', json: { email: user.email, password: 'wrong guess!' } }),
      ),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s !== 401 && s !== 429)).toEqual([]);
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(4);
    expect((await verifications(app)) - before).toBeLessThanOrEqual(5);
    const events = await allEvents(app);
    const guesses = events.filter((e) => e.type === 'LoginFailed' && e.data.userId === user.id);
    expect(guesses.filter((e) => e.data.outcome === 'invalid_credentials').length).toBeLessThanOrEqual(5);
    // The correct password is refused too while the lock lasts.
    const right = await app.request('/auth/login', {
      method: 'POST',
      json: { email: user.email, password: PASSWORD },
    });
    await expectProblem(right, 429);
  }, 60_000);
});

describe('issue 9 item 4: an account-wide budget, and trusted devices that are exempt from it', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp('embedded', {
      env: { TRUST_PROXY: '1', LOCKOUT_THRESHOLD: '2', ACCOUNT_LOCKOUT_THRESHOLD: '4' },
    });
  });
  afterAll(async () => {
    await app.dispose();
  });

  const login = (body: Record<string, string>, ip: string, deviceToken?: string) =>
    app.request('/auth/login', {
      method: 'POST',
      json: body,
      headers: {
        'X-Forwarded-For': ip,
        ...(deviceToken !== undefined ? { 'X-Device-Token': deviceToken } : {}),
      },
    });

  it('guesses from many addresses, by email and by username, share the account budget; the owner’s device still logs in', async () => {
    const username = `u${Date.now()}`;
    const user = await register(app, { username });
    const first = await login({ email: user.email, password: PASSWORD }, '198.51.100.1');
    expect(first.status).toBe(200);
    const { device_token: device } = (await first.json()) as { device_token: string };
    expect(device).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const id: Record<string, string> = i % 2 === 0 ? { email: user.email } : { username };
      statuses.push((await login({ ...id, password: `wrong guess ${i}` }, `203.0.113.${i + 1}`)).status);
    }
    // Per address only (the code this started from) all six would be 401.
    expect(statuses).toEqual([401, 401, 401, 429, 429, 429]);
    const untrusted = await login({ username, password: PASSWORD }, '192.0.2.77');
    await expectProblem(untrusted, 429);
    expect(Number(untrusted.headers.get('retry-after'))).toBeGreaterThan(0);

    const trusted = await login({ email: user.email, password: PASSWORD }, '192.0.2.78', device);
    expect(trusted.status).toBe(200);
    expect(((await trusted.json()) as { device_token: string }).device_token).toBe(device);

    const events = await allEvents(app);
    const mine = events.filter((e) => e.data.userId === user.id);
    expect(mine.filter((e) => e.type === 'DeviceTrusted')).toHaveLength(1);
    expect(mine.some((e) => e.type === 'AccountLocked' && e.data.scope === 'account')).toBe(true);
    expect(mine.some((e) => e.type === 'LoginFailed' && e.data.outcome === 'locked')).toBe(true);
    expect(JSON.stringify(events)).not.toContain(device);
  });

  it('a device token is bound to its account, and a trusted device has its own small budget', async () => {
    const a = await register(app);
    const b = await register(app, { email: uniqueEmail('b') });
    const fromA = await login({ email: a.email, password: PASSWORD }, '198.51.100.20');
    const { device_token: deviceA } = (await fromA.json()) as { device_token: string };
    // B's account budget spent by untrusted guesses: A's device token does not exempt B.
    for (let i = 0; i < 4; i++)
      await login({ email: b.email, password: 'wrong guess!' }, `203.0.113.${50 + i}`);
    await expectProblem(await login({ email: b.email, password: PASSWORD }, '198.51.100.20', deviceA), 429);
    // A's device: two wrong guesses (LOCKOUT_THRESHOLD) lock the device, not the account.
    expect((await login({ email: a.email, password: 'wrong guess!' }, '198.51.100.20', deviceA)).status).toBe(
      401,
    );
    await expectProblem(
      await login({ email: a.email, password: 'wrong guess!' }, '198.51.100.20', deviceA),
      429,
    );
    await expectProblem(await login({ email: a.email, password: PASSWORD }, '198.51.100.20', deviceA), 429);
    expect((await login({ email: a.email, password: PASSWORD }, '198.51.100.21')).status).toBe(200);
  });
});
