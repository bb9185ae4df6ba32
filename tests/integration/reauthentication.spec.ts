import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectProblem,
  logIn,
  PASSWORD,
  registerAndLogIn,
  uniqueEmail,
  type Tokens,
} from '../support/api.js';
import { allEvents, mailSettled } from '../support/events.js';
import { startTestApp, type StoreKind, type TestApp } from '../support/test-app.js';

/** A short window, so a test can outwait it; three guesses per account and address. */
const ENV = { REAUTH_WINDOW: '2s', LOCKOUT_THRESHOLD: '3' };
const WINDOW_MS = 2000;

/** auth_time is in whole seconds: past the window plus the second it was rounded down. */
const outwaitWindow = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, WINDOW_MS + 1100));

const patchMe = (app: TestApp, token: string, json: Record<string, unknown>): Promise<Response> =>
  app.request('/users/me', { method: 'PATCH', token, json });

const reauthenticate = (
  app: TestApp,
  token: string,
  password: string,
  headers: Record<string, string> = {},
): Promise<Response> =>
  app.request('/auth/reauthenticate', { method: 'POST', token, json: { password }, headers });

async function tokensOf(response: Response): Promise<Tokens> {
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json()) as Tokens;
}

const eventsOfUser = async (app: TestApp, userId: string) =>
  (await allEvents(app)).filter((e) => e.data.userId === userId || e.metadata.actorId === userId);

describe('issue 9 item 17: email, username and password changes need a recent password proof', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp('embedded', { env: ENV });
  });
  afterAll(async () => {
    await app.dispose();
  });

  it('a token older than REAUTH_WINDOW cannot change email or username: 403, nothing appended', async () => {
    const { id, email, tokens } = await registerAndLogIn(app);
    await outwaitWindow();
    await mailSettled(app);
    const before = (await allEvents(app)).length;
    for (const change of [{ email: uniqueEmail('taken-over') }, { username: `thief${Date.now()}` }]) {
      const problem = await expectProblem(await patchMe(app, tokens.access_token, change), 403);
      expect(problem.error).toBe('reauthentication_required');
      const put = await app.request('/users/me', { method: 'PUT', token: tokens.access_token, json: change });
      expect((await expectProblem(put, 403)).error).toBe('reauthentication_required');
    }
    expect((await allEvents(app)).length).toBe(before);
    const me = (await (await app.request('/users/me', { token: tokens.access_token })).json()) as {
      email: string;
      username: string | null;
    };
    expect(me).toMatchObject({ email, username: null });
    // The full name is no credential: it needs nothing.
    const named = await patchMe(app, tokens.access_token, { full_name: 'Still Me' });
    expect(named.status, await named.clone().text()).toBe(200);
    // Sending the same email again changes nothing, so it needs nothing either.
    expect((await patchMe(app, tokens.access_token, { email })).status).toBe(200);
    expect((await eventsOfUser(app, id)).some((e) => e.type === 'UserEmailChanged')).toBe(false);
  });

  it('with the right current_password the same stale token changes the email', async () => {
    const { tokens } = await registerAndLogIn(app);
    await outwaitWindow();
    const next = uniqueEmail('moved');
    const response = await patchMe(app, tokens.access_token, { email: next, current_password: PASSWORD });
    expect(response.status, await response.clone().text()).toBe(200);
    expect(((await response.json()) as { email: string }).email).toBe(next);
  });

  it('a wrong current_password is 401, counted like a login guess with the user as actor, then 429', async () => {
    const { id, tokens } = await registerAndLogIn(app);
    const change = (current: string) =>
      patchMe(app, tokens.access_token, { email: uniqueEmail('guess'), current_password: current });
    await expectProblem(await change('wrong guess 1'), 401);
    await expectProblem(await change('wrong guess 2'), 401);
    const locking = await change('wrong guess 3');
    await expectProblem(locking, 429);
    expect(Number(locking.headers.get('retry-after'))).toBeGreaterThan(0);
    // Locked: the right password is refused too, and the email never changed.
    await expectProblem(await change(PASSWORD), 429);
    const events = await eventsOfUser(app, id);
    expect(events.some((e) => e.type === 'UserEmailChanged')).toBe(false);
    const failed = events.filter((e) => e.type === 'LoginFailed');
    expect(failed.map((e) => e.data.outcome)).toEqual([
      'invalid_credentials',
      'invalid_credentials',
      'invalid_credentials',
      'locked',
    ]);
    expect(failed.every((e) => e.metadata.actorId === id)).toBe(true);
  });

  it('POST /auth/reauthenticate: same session, fresh auth_time, which changes email and survives a refresh', async () => {
    const { id, tokens } = await registerAndLogIn(app);
    const old = decodeJwt(tokens.access_token);
    await outwaitWindow();
    const fresh = await tokensOf(await reauthenticate(app, tokens.access_token, PASSWORD));
    const claims = decodeJwt(fresh.access_token);
    expect(claims.sid).toBe(old.sid);
    expect(claims.sub).toBe(id);
    expect(claims.amr).toEqual(['pwd']);
    expect(claims.auth_time).toBeGreaterThan(Number(old.auth_time));
    // The refresh token rotated with it.
    expect(fresh.refresh_token).not.toBe(tokens.refresh_token);

    const next = uniqueEmail('reauthenticated');
    const changed = await patchMe(app, fresh.access_token, { email: next });
    expect(changed.status, await changed.clone().text()).toBe(200);
    // The old access token is still as stale as it was.
    expect(
      (await expectProblem(await patchMe(app, tokens.access_token, { username: 'x' + Date.now() }), 403))
        .error,
    ).toBe('reauthentication_required');

    const refreshed = await tokensOf(
      await app.request('/auth/refresh', { method: 'POST', json: { refresh_token: fresh.refresh_token } }),
    );
    const afterRefresh = decodeJwt(refreshed.access_token);
    expect(afterRefresh.auth_time).toBe(claims.auth_time);
    expect(afterRefresh.sid).toBe(old.sid);

    const recorded = (await eventsOfUser(app, id)).filter((e) => e.type === 'SessionReauthenticated');
    expect(recorded).toHaveLength(1);
    expect(recorded[0]?.data).toMatchObject({ sessionId: old.sid, userId: id });
    expect(recorded[0]?.metadata.actorId).toBe(id);
  });

  it('reauthenticate with a wrong password: 401, 401, then 429 with Retry-After, all recorded', async () => {
    const { id, tokens } = await registerAndLogIn(app);
    await expectProblem(await reauthenticate(app, tokens.access_token, 'wrong guess 1'), 401);
    await expectProblem(await reauthenticate(app, tokens.access_token, 'wrong guess 2'), 401);
    const locking = await reauthenticate(app, tokens.access_token, 'wrong guess 3');
    await expectProblem(locking, 429);
    expect(Number(locking.headers.get('retry-after'))).toBeGreaterThan(0);
    await expectProblem(await reauthenticate(app, tokens.access_token, PASSWORD), 429);
    const events = await eventsOfUser(app, id);
    expect(events.some((e) => e.type === 'SessionReauthenticated')).toBe(false);
    const failed = events.filter((e) => e.type === 'LoginFailed');
    expect(failed).toHaveLength(4);
    expect(failed.every((e) => e.metadata.actorId === id)).toBe(true);
  });

  it('a cross-site post to /auth/reauthenticate is 403 before any password is checked', async () => {
    const { id, tokens } = await registerAndLogIn(app);
    // The registration's verification mail is recorded by the sender, not by these requests.
    await mailSettled(app);
    const before = (await allEvents(app)).length;
    for (let i = 0; i < 4; i++) {
      const response = await reauthenticate(app, tokens.access_token, `wrong guess ${i}`, {
        'Sec-Fetch-Site': 'cross-site',
      });
      expect((await expectProblem(response, 403)).error).toBe('cross_site_request');
    }
    expect((await allEvents(app)).length).toBe(before);
    // Nothing was counted: the right password still works from the user's own page.
    await tokensOf(await reauthenticate(app, tokens.access_token, PASSWORD));
    expect((await eventsOfUser(app, id)).some((e) => e.type === 'LoginFailed')).toBe(false);
  });

  it('reauthenticate on a logged-out session is 401 and appends nothing', async () => {
    const { tokens } = await registerAndLogIn(app);
    const out = await app.request('/auth/logout', { method: 'POST', token: tokens.access_token });
    expect(out.status).toBe(204);
    // The registration's verification mail is recorded by the sender, not by this request.
    await mailSettled(app);
    const before = (await allEvents(app)).filter((e) => e.type !== 'TokenRejected').length;
    const response = await reauthenticate(app, tokens.access_token, PASSWORD);
    await expectProblem(response, 401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await allEvents(app)).filter((e) => e.type !== 'TokenRejected').length).toBe(before);
  });
});

describe.each<StoreKind>(['mongodb'])('issue 9 item 17 on the %s store', (store) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp(store, { env: ENV });
  });
  afterAll(async () => {
    await app.dispose();
  });

  it('a stale token is refused, reauthenticates, then changes the email', async () => {
    const { email, tokens } = await registerAndLogIn(app);
    await outwaitWindow();
    const next = uniqueEmail('mongo');
    expect((await expectProblem(await patchMe(app, tokens.access_token, { email: next }), 403)).error).toBe(
      'reauthentication_required',
    );
    const fresh = await tokensOf(await reauthenticate(app, tokens.access_token, PASSWORD));
    expect((await patchMe(app, fresh.access_token, { email: next })).status).toBe(200);
    // The new email logs in; the session of the reauthentication refreshes.
    await logIn(app, next);
    await expectProblem(
      await app.request('/auth/login', { method: 'POST', json: { email, password: PASSWORD } }),
      401,
    );
  });
});
