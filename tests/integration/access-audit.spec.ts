import type { Logger } from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi, type MockInstance } from 'vitest';
import type { StoredEvent } from '../../src/application/ports/event-store.port.js';
import { expectProblem, logIn, registerAndLogIn, type Tokens } from '../support/api.js';
import { allEvents, mailSettled } from '../support/events.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const ADMIN = { ADMIN_EMAIL: 'access.audit.admin@example.com', ADMIN_PASSWORD: 'admin passphrase 1' };

let address = 0;
/** A fresh client address per test, so each test's aggregated refusals have keys of their own. */
const nextAddress = (): string => `198.51.100.${++address}`;

/** Aggregates are per minute: a burst that straddles a minute would be two events. */
async function notNearAMinuteBoundary(): Promise<void> {
  const intoMinute = Date.now() % 60_000;
  if (intoMinute > 55_000) await new Promise((resolve) => setTimeout(resolve, 60_500 - intoMinute));
}

const forged = (tokens: Tokens): string => {
  const [head, payload] = tokens.access_token.split('.');
  return `${head}.${payload}.${'A'.repeat(86)}`;
};

const ofType = (events: readonly StoredEvent[], type: string, ip: string): StoredEvent[] =>
  events.filter((e) => e.type === type && e.data.ip === ip);

describe('issue 9 item 13: refused tokens and admin 403s are audited, aggregated, without the token', () => {
  let app: TestApp;
  let warn: MockInstance<Logger['warn']>;
  beforeAll(async () => {
    app = await startTestApp('embedded', { env: { TRUST_PROXY: '1', REFRESH_REUSE_GRACE: '5s', ...ADMIN } });
    // The application's logger is the runtime's pino instance: its warn lines are observed here.
    warn = vi.spyOn(app.runtime.logger, 'warn');
  });
  afterAll(async () => {
    warn.mockRestore();
    await app.dispose();
  });

  const warnings = (): string => JSON.stringify(warn.mock.calls);

  it('a forged bearer token on /users/me: 401, a warn line, and after the flush one TokenRejected', async () => {
    const { tokens } = await registerAndLogIn(app);
    const ip = nextAddress();
    const token = forged(tokens);
    const response = await app.request('/users/me', { token, headers: { 'X-Forwarded-For': ip } });
    await expectProblem(response, 401);
    expect(response.headers.get('www-authenticate')).toContain('invalid_token');
    const rejected = ofType(await allEvents(app), 'TokenRejected', ip);
    expect(rejected).toHaveLength(1);
    expect(rejected[0]?.data).toMatchObject({ token: 'access', reason: 'invalid', count: 1, ip });
    expect(rejected[0]?.data.firstAt).toEqual(rejected[0]?.data.lastAt);
    expect(warnings()).toContain(ip);
    expect(warnings()).not.toContain(token);
    expect(warnings()).not.toContain(token.split('.')[1]);
  });

  it('20 bad tokens from one address are one event with count 20, not 20 events', async () => {
    const { tokens } = await registerAndLogIn(app);
    const ip = nextAddress();
    // The registration's verification mail is recorded by the sender, not by these requests.
    await mailSettled(app);
    await notNearAMinuteBoundary();
    const before = (await allEvents(app)).length;
    const warned = warn.mock.calls.length;
    for (let i = 0; i < 20; i++) {
      const token = i % 2 === 0 ? forged(tokens) : `garbage-${i}`;
      const path = i % 4 < 2 ? '/users/me' : '/users/me/sessions';
      await expectProblem(await app.request(path, { token, headers: { 'X-Forwarded-For': ip } }), 401);
    }
    const added = (await allEvents(app)).slice(before);
    expect(added.map((e) => e.type)).toEqual(['TokenRejected']);
    expect(added[0]?.data).toMatchObject({ token: 'access', reason: 'invalid', count: 20, ip });
    // One warn line per refusal all the same.
    expect(warn.mock.calls.length - warned).toBe(20);
  });

  it('a token of a logged-out session is recorded as revoked, with its user as actor', async () => {
    const { id, tokens } = await registerAndLogIn(app);
    const ip = nextAddress();
    const out = await app.request('/auth/logout', { method: 'POST', token: tokens.access_token });
    expect(out.status).toBe(204);
    const headers = { 'X-Forwarded-For': ip };
    await expectProblem(await app.request('/users/me', { token: tokens.access_token, headers }), 401);
    const rejected = ofType(await allEvents(app), 'TokenRejected', ip);
    expect(rejected.map((e) => e.data)).toMatchObject([{ token: 'access', reason: 'revoked', count: 1 }]);
    expect(rejected[0]?.metadata.actorId).toBe(id);
  });

  it('a user token on admin routes: 403 and AdminAccessDenied naming the user and the declared path', async () => {
    const { id, tokens } = await registerAndLogIn(app);
    const ip = nextAddress();
    const headers = { 'X-Forwarded-For': ip };
    await expectProblem(await app.request('/admin/users', { token: tokens.access_token, headers }), 403);
    await expectProblem(await app.request('/admin/users', { token: tokens.access_token, headers }), 403);
    const raw = `/admin/users/${id}/deactivate`;
    await expectProblem(await app.request(raw, { method: 'POST', token: tokens.access_token, headers }), 403);
    const events = await allEvents(app);
    const denied = ofType(events, 'AdminAccessDenied', ip);
    const sid = JSON.parse(Buffer.from(tokens.access_token.split('.')[1] ?? '', 'base64url').toString()) as {
      sid: string;
    };
    expect(denied.map((e) => e.data)).toEqual([
      expect.objectContaining({
        userId: id,
        sessionId: sid.sid,
        method: 'GET',
        path: '/admin/users',
        count: 2,
      }),
      expect.objectContaining({ userId: id, method: 'POST', path: '/admin/users/{id}/deactivate', count: 1 }),
    ]);
    expect(denied.every((e) => e.metadata.actorId === id)).toBe(true);
    expect(JSON.stringify(denied)).not.toContain(raw);
    expect(warnings()).toContain('/admin/users/{id}/deactivate');
    // Nothing was deactivated.
    expect(events.some((e) => e.type === 'UserDeactivated' && e.data.userId === id)).toBe(false);

    // The admin sees them in the audit trail, secrets-free (public view).
    const admin = await logIn(app, ADMIN.ADMIN_EMAIL, ADMIN.ADMIN_PASSWORD);
    expect((await app.request('/admin/users', { token: admin.access_token, headers })).status).toBe(200);
    expect(ofType(await allEvents(app), 'AdminAccessDenied', ip)).toHaveLength(2);
  });

  it('failed refreshes are recorded by reason (unknown, malformed, superseded, revoked); reuse keeps its own events', async () => {
    const { id, tokens } = await registerAndLogIn(app);
    const ip = nextAddress();
    const refresh = (refresh_token: string) =>
      app.request('/auth/refresh', {
        method: 'POST',
        json: { refresh_token },
        headers: { 'X-Forwarded-For': ip },
      });
    const [sessionId] = tokens.refresh_token.split('.');
    const unknown = `${sessionId}.${'B'.repeat(43)}`;
    await expectProblem(await refresh(unknown), 401);
    await expectProblem(await refresh('not-even-a-token'), 401);
    const rotated = (await (await refresh(tokens.refresh_token)).json()) as Tokens;
    await expectProblem(await refresh(tokens.refresh_token), 401); // within the grace: superseded
    const out = await app.request('/auth/logout', {
      method: 'POST',
      json: { refresh_token: rotated.refresh_token },
    });
    expect(out.status).toBe(204);
    await expectProblem(await refresh(rotated.refresh_token), 401);

    const events = await allEvents(app);
    const rejected = ofType(events, 'TokenRejected', ip).map((e) => e.data);
    expect(rejected).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ token: 'refresh', reason: 'invalid', count: 2 }),
        expect.objectContaining({ token: 'refresh', reason: 'superseded', count: 1 }),
        expect.objectContaining({ token: 'refresh', reason: 'revoked', count: 1 }),
      ]),
    );
    expect(rejected).toHaveLength(3);

    // TokenRefreshed names the session's user as its actor.
    const refreshed = events.filter((e) => e.type === 'TokenRefreshed' && e.data.userId === id);
    expect(refreshed).toHaveLength(1);
    expect(refreshed[0]?.metadata.actorId).toBe(id);

    // No event and no log line holds a presented token.
    const stored = JSON.stringify(events);
    for (const presented of [unknown, tokens.refresh_token, rotated.refresh_token, rotated.access_token]) {
      const secret =
        presented.includes('.') && !presented.startsWith('ey') ? presented.split('.')[1] : presented;
      expect(stored).not.toContain(secret);
      expect(warnings()).not.toContain(secret);
    }
  });

  it('an old refresh token past the grace is reuse: RefreshTokenReuseDetected with the user as actor', async () => {
    const reuseApp = await startTestApp('embedded', { env: { REFRESH_REUSE_GRACE: '0' } });
    try {
      const { id, tokens } = await registerAndLogIn(reuseApp);
      const rotate = (refresh_token: string) =>
        reuseApp.request('/auth/refresh', { method: 'POST', json: { refresh_token } });
      expect((await rotate(tokens.refresh_token)).status).toBe(200);
      await expectProblem(await rotate(tokens.refresh_token), 401);
      const events = await allEvents(reuseApp);
      const reuse = events.filter((e) => e.type === 'RefreshTokenReuseDetected');
      expect(reuse).toHaveLength(1);
      expect(reuse[0]?.metadata.actorId).toBe(id);
      expect(events.some((e) => e.type === 'TokenRejected')).toBe(false);
    } finally {
      await reuseApp.dispose();
    }
  });
});
