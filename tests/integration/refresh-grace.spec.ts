/**
 * Issue 9, findings 16 (REFRESH_REUSE_GRACE) and 10 (SESSION_MAX_LIFETIME). On the code this
 * branch started from, racing tabs revoked the session and a refreshed session lived forever.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, logIn, register, type Tokens } from '../support/api.js';
import { STORES, startTestApp, type TestApp } from '../support/test-app.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const sessionOf = (tokens: Tokens): string => tokens.refresh_token.split('.')[0] ?? '';

describe.each(STORES)('refresh reuse grace and session lifetime (%s)', (store) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp(store, { env: { REFRESH_REUSE_GRACE: '1s' } });
  });
  afterAll(async () => {
    await app.dispose();
  });
  const refresh = (refresh_token: string) =>
    app.request('/auth/refresh', { method: 'POST', json: { refresh_token } });
  const typesOf = async (sessionId: string) =>
    (await app.runtime.storage.eventStore.readStream(`session-${sessionId}`)).map((e) => e.type);

  it('finding 16: 8 tabs refreshing with one token: exactly one 200, the session lives on', async () => {
    const tokens = await logIn(app, (await register(app)).email);
    const responses = await Promise.all(Array.from({ length: 8 }, () => refresh(tokens.refresh_token)));
    const winners = responses.filter((r) => r.status === 200);
    expect(responses.map((r) => r.status).sort()).toEqual([200, 401, 401, 401, 401, 401, 401, 401]);
    for (const loser of responses.filter((r) => r.status !== 200)) await expectProblem(loser, 401);
    const winner = (await winners[0]?.json()) as Tokens;
    expect((await app.request('/users/me', { token: winner.access_token })).status).toBe(200);
    const next = await refresh(winner.refresh_token);
    expect(next.status).toBe(200);
    expect(await typesOf(sessionOf(tokens))).toEqual(['LoggedIn', 'TokenRefreshed', 'TokenRefreshed']);
  });

  it('finding 16: the same reuse after the grace revokes the whole session', async () => {
    const tokens = await logIn(app, (await register(app)).email);
    const next = (await (await refresh(tokens.refresh_token)).json()) as Tokens;
    await expectProblem(await refresh(tokens.refresh_token), 401);
    expect(await typesOf(sessionOf(tokens))).toEqual(['LoggedIn', 'TokenRefreshed']);
    await sleep(1300);
    await expectProblem(await refresh(tokens.refresh_token), 401);
    await expectProblem(await refresh(next.refresh_token), 401);
    await expectProblem(await app.request('/users/me', { token: next.access_token }), 401);
    expect(await typesOf(sessionOf(tokens))).toEqual([
      'LoggedIn',
      'TokenRefreshed',
      'RefreshTokenReuseDetected',
      'LoggedOut',
    ]);
  });
});

describe('finding 10: SESSION_MAX_LIFETIME counts from the login', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp('embedded', { env: { SESSION_MAX_LIFETIME: '3s', REFRESH_TOKEN_TTL: '7d' } });
  });
  afterAll(async () => {
    await app.dispose();
  });
  const refresh = (refresh_token: string) =>
    app.request('/auth/refresh', { method: 'POST', json: { refresh_token } });

  it('refresh_expires_in never reaches past it, and a refresh after it is refused', async () => {
    const login = await logIn(app, (await register(app)).email);
    expect(login.refresh_expires_in).toBeLessThanOrEqual(3);
    await sleep(1100);
    const rotated = await refresh(login.refresh_token);
    expect(rotated.status).toBe(200);
    const tokens = (await rotated.json()) as Tokens;
    // A fresh REFRESH_TOKEN_TTL would be 7 days; the cap is the login plus 3 s.
    expect(tokens.refresh_expires_in).toBeLessThanOrEqual(2);
    await sleep(2100);
    await expectProblem(await refresh(tokens.refresh_token), 401);
    const token = await app.request('/auth/token', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: tokens.refresh_token,
      }).toString(),
    });
    expect(token.status).toBe(400);
    expect(await token.json()).toMatchObject({ error: 'invalid_grant' });
  });
});
