import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, logIn, PASSWORD, register, uniqueEmail } from '../support/api.js';
import { allEvents } from '../support/events.js';
import { STORES, startTestApp, type TestApp } from '../support/test-app.js';

const statusesOf = (responses: Response[]): Record<number, number> =>
  responses.reduce<Record<number, number>>(
    (counts, r) => ({ ...counts, [r.status]: (counts[r.status] ?? 0) + 1 }),
    {},
  );

describe.each(STORES)('races decided by the %s store', (store) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp(store);
  });
  afterAll(async () => {
    await app.dispose();
  });

  it('20 parallel registrations of one email: exactly one 201, nineteen 409, one UserRegistered', async () => {
    const email = uniqueEmail('race');
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        app.request('/auth/register', {
          method: 'POST',
          json: { email: i % 2 === 0 ? email : email.toUpperCase(), password: PASSWORD },
        }),
      ),
    );
    expect(statusesOf(responses)).toEqual({ 201: 1, 409: 19 });
    const registered = (await allEvents(app)).filter(
      (e) => e.type === 'UserRegistered' && e.data.email === email,
    );
    expect(registered).toHaveLength(1);
    await logIn(app, email);
  });

  // Review §5: `<= 1` passed when no refresh won; the first appender always wins, so exactly one.
  it('10 concurrent refreshes of one token: exactly one 200, the rest 401, the session consistent', async () => {
    const user = await register(app);
    const { refresh_token } = await logIn(app, user.email);
    const responses = await Promise.all(
      Array.from({ length: 10 }, () =>
        app.request('/auth/refresh', { method: 'POST', json: { refresh_token } }),
      ),
    );
    const counts = statusesOf(responses);
    expect(counts).toEqual({ 200: 1, 401: 9 });
    const sessionId = refresh_token.split('.')[0] ?? '';
    const stream = await app.runtime.storage.eventStore.readStream(`session-${sessionId}`);
    expect(stream.map((e) => e.streamVersion)).toEqual(stream.map((_, i) => i + 1));
    expect(stream.filter((e) => e.type === 'TokenRefreshed').length).toBe(counts[200] ?? 0);
    expect(stream[0]?.type).toBe('LoggedIn');
  });
});

describe('two instances on one MongoDB', () => {
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    a = await startTestApp('mongodb');
    b = await startTestApp('mongodb', { shareWith: a });
  });
  afterAll(async () => {
    await b.stop();
    await a.dispose();
  });

  it('keep emails unique across instances', async () => {
    const email = uniqueEmail('twin');
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 === 0 ? a : b).request('/auth/register', {
          method: 'POST',
          json: { email, password: PASSWORD },
        }),
      ),
    );
    expect(statusesOf(responses)).toEqual({ 201: 1, 409: 19 });
    expect(
      (await allEvents(a)).filter((e) => e.type === 'UserRegistered' && e.data.email === email),
    ).toHaveLength(1);
  });

  // Review §5: this passed when all ten answered 500; only 200 and 401 are allowed, one winner.
  it('let exactly one refresh of a token win across instances, the rest 401', async () => {
    const user = await register(a);
    const { refresh_token } = await logIn(b, user.email);
    const responses = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        (i % 2 === 0 ? a : b).request('/auth/refresh', { method: 'POST', json: { refresh_token } }),
      ),
    );
    expect(statusesOf(responses)).toEqual({ 200: 1, 401: 9 });
    const sessionId = refresh_token.split('.')[0] ?? '';
    const stream = await a.runtime.storage.eventStore.readStream(`session-${sessionId}`);
    expect(stream.filter((e) => e.type === 'TokenRefreshed')).toHaveLength(1);
  });

  it('revoke at once where the logout happened and within a second on the other instance', async () => {
    const user = await register(a);
    const { access_token } = await logIn(a, user.email);
    expect((await b.request('/users/me', { token: access_token })).status).toBe(200);
    const logout = await a.request('/auth/logout', { method: 'POST', token: access_token });
    expect(logout.status).toBe(204);
    const revokedAt = Date.now();
    await expectProblem(await a.request('/users/me', { token: access_token }), 401);
    let rejectedAfter = Infinity;
    while (Date.now() - revokedAt < 3000) {
      if ((await b.request('/users/me', { token: access_token })).status === 401) {
        rejectedAfter = Date.now() - revokedAt;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(rejectedAfter).toBeLessThan(1000);
  });
});
