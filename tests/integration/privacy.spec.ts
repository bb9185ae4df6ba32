import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  loginAttemptsProjection,
  sessionsProjection,
  usersProjection,
} from '../../src/application/projections/index.js';
import { verifyLog } from '../../src/infrastructure/audit/log-verifier.js';
import { expectProblem, logIn, PASSWORD, register, uniqueEmail, type Tokens } from '../support/api.js';
import { allEvents } from '../support/events.js';
import { expectEqualsRebuild, rawDump } from '../support/store-dump.js';
import { STORES, startTestApp, type TestApp } from '../support/test-app.js';

const ADMIN_EMAIL = 'root@example.com';
const ADMIN_PASSWORD = 'the admin passphrase';
let people = 0;

describe.each(STORES)('privacy on the %s store', (store) => {
  const ENV = { ADMIN_EMAIL, ADMIN_PASSWORD, TRUST_PROXY: '1' };
  let first: TestApp;
  /** The app the tests talk to: `first`, or after a restart an instance over the same storage. */
  let app: TestApp;
  let admin: Tokens;
  beforeAll(async () => {
    first = await startTestApp(store, { env: ENV });
    app = first;
    admin = await logIn(app, ADMIN_EMAIL, ADMIN_PASSWORD);
  });
  afterAll(async () => {
    if (app !== first) await app.stop();
    await first.dispose();
  });

  const asAdmin = (p: string, init: RequestInit & { json?: unknown } = {}): Promise<Response> =>
    app.request(p, { ...init, token: admin.access_token });

  /** A user with every kind of personal field: email, username, name, address, user agent, typos. */
  async function personWithHistory(label: string): Promise<{
    id: string;
    email: string;
    username: string;
    name: string;
    ip: string;
    userAgent: string;
    tokens: Tokens;
  }> {
    // Values of this person alone, so a dump that holds them cannot be holding someone else's.
    const ip = `198.51.${100 + (people % 100)}.${100 + (++people % 100)}`;
    const userAgent = `PrivacyBrowser/7.1 (${label} ${people})`;
    const fromClient = { 'User-Agent': userAgent, 'X-Forwarded-For': ip };
    const email = uniqueEmail(label);
    const username = `${label}${Date.now().toString(36)}`;
    const name = `Zebulon ${label} Quixote`;
    const user = await register(app, { email, username, full_name: name });
    const wrong = await app.request('/auth/login', {
      method: 'POST',
      json: { email, password: 'not the password at all' },
      headers: fromClient,
    });
    expect(wrong.status).toBe(401);
    const tokens = await logIn(app, username, PASSWORD, fromClient);
    return { id: user.id, email, username, name, ip, userAgent, tokens };
  }

  it('stores personal fields only sealed, and opens them for the service and its admins', async () => {
    const person = await personWithHistory('sealed');
    const events = (await allEvents(app)).filter(
      (e) => e.data['userId'] === person.id || e.metadata.actorId === person.id,
    );
    const registered = events.find((e) => e.type === 'UserRegistered');
    expect(registered?.data).toMatchObject({ email: person.email, username: person.username });
    const login = events.find((e) => e.type === 'LoggedIn');
    expect(login?.data).toMatchObject({ ip: person.ip, userAgent: person.userAgent });
    const failed = events.find((e) => e.type === 'LoginFailed');
    expect(failed?.data).toMatchObject({ identifier: person.email, ip: person.ip });

    // The log as stored: no personal value in any event or stream id.
    const stored = JSON.stringify(await readAllStored(app));
    for (const value of [person.email, person.username, person.name, person.ip, person.userAgent]) {
      expect(stored.includes(value), value).toBe(false);
    }
    const shown = (await (await asAdmin(`/admin/users/${person.id}/events`)).json()) as {
      items: { type: string; data: Record<string, unknown> }[];
    };
    expect(shown.items.find((e) => e.type === 'UserRegistered')?.data['email']).toBe(person.email);
    const me = (await (await app.request('/users/me', { token: person.tokens.access_token })).json()) as {
      email: string;
    };
    expect(me.email).toBe(person.email);
    expect(await verifyLog(app.runtime.storage.storedEvents, app.runtime.wiring.keyRing)).toMatchObject({
      ok: true,
    });
  });

  it('erases a person: unreadable everywhere, no login, email free again, the proof intact', async () => {
    const person = await personWithHistory('forget');
    const me = { token: person.tokens.access_token };
    const wrong = await app.request('/users/me', {
      method: 'DELETE',
      json: { current_password: 'not my password' },
      ...me,
    });
    await expectProblem(wrong, 401);
    const erased = await app.request('/users/me', {
      method: 'DELETE',
      json: { current_password: PASSWORD },
      ...me,
    });
    expect(erased.status, await erased.text()).toBe(204);

    await expectProblem(await asAdmin(`/admin/users/${person.id}`), 410);
    // Idempotent.
    expect((await asAdmin(`/admin/users/${person.id}/erase`, { method: 'POST' })).status).toBe(204);
    const listed = (await (await asAdmin(`/admin/users?q=${encodeURIComponent(person.email)}`)).json()) as {
      items: unknown[];
    };
    expect(listed.items).toEqual([]);

    // The audit trail keeps what happened, when and how often, and nothing about whom.
    const attempts = (await (await asAdmin(`/admin/login-attempts?user_id=${person.id}`)).json()) as {
      items: { outcome: string; identifier: string | null; ip: string | null; count: number }[];
    };
    // The wrong password at login, and the wrong current password of the first DELETE.
    expect(attempts.items.map((a) => a.outcome).sort()).toEqual([
      'invalid_credentials',
      'invalid_credentials',
      'success',
    ]);
    expect(
      attempts.items.every((a) => a.identifier === null && a.ip === null && a.count === 1),
      JSON.stringify(attempts.items),
    ).toBe(true);
    const events = await allEvents(app);
    const erasure = events.find((e) => e.type === 'UserErased' && e.data['userId'] === person.id);
    expect(erasure?.data).toEqual({ userId: person.id, actorId: person.id, reason: 'user-request' });
    const registered = events.find((e) => e.type === 'UserRegistered' && e.data['userId'] === person.id);
    expect(registered?.data).toMatchObject({ email: null, username: null, fullName: null });

    // Every file or collection of the store, dumped raw.
    await app.runtime.wiring.readModels.catchUp();
    await app.runtime.flushRefusals();
    if (store === 'embedded') await app.stop();
    const dump = await rawDump(app);
    for (const value of [person.email, person.username, person.name, person.ip, person.userAgent]) {
      const at = dump.indexOf(value);
      expect(at, `${value} is still readable: ${dump.slice(Math.max(0, at - 600), at + 200)}`).toBe(-1);
    }
    if (store === 'embedded') {
      app = await startTestApp(store, { shareWith: first, env: ENV });
      admin = await logIn(app, ADMIN_EMAIL, ADMIN_PASSWORD);
    }

    // The session is over; the account answers like an unknown one. (These attempts, on
    // identifiers no account holds now, are kept like any such attempt: under the day's key.)
    await expectProblem(await app.request('/users/me', { token: person.tokens.access_token }), 401);
    for (const identifier of [person.email, person.username]) {
      const login = await app.request('/auth/login', {
        method: 'POST',
        json: { username: identifier, password: PASSWORD },
      });
      await expectProblem(login, 401);
    }
    expect(await verifyLog(app.runtime.storage.storedEvents, app.runtime.wiring.keyRing)).toMatchObject({
      ok: true,
    });
    const { users, sessions, loginAttempts } = app.runtime.storage;
    await app.runtime.wiring.readModels.catchUp();
    await expectEqualsRebuild(app, usersProjection, users);
    await expectEqualsRebuild(app, sessionsProjection, sessions);
    await expectEqualsRebuild(app, loginAttemptsProjection, loginAttempts);

    // The email and the username are free again.
    const again = await register(app, { email: person.email, username: person.username });
    expect(again.id).not.toBe(person.id);
    await logIn(app, person.email);
  });

  it('exports everything held about the caller: every event about them, as the store holds it', async () => {
    const person = await personWithHistory('export');
    const response = await app.request('/users/me/export', { token: person.tokens.access_token });
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      user: { id: string; email: string; username: string; full_name: string };
      sessions: { ip: string; user_agent: string; revoked_at: string | null }[];
      login_attempts: { outcome: string; identifier: string }[];
      events: {
        type: string;
        position: number;
        stream_id: string;
        hash: string;
        data: Record<string, unknown>;
      }[];
    };
    expect(body.user).toMatchObject({
      id: person.id,
      email: person.email,
      username: person.username,
      full_name: person.name,
    });
    expect(body.sessions).toEqual([expect.objectContaining({ ip: person.ip, user_agent: person.userAgent })]);
    expect(body.login_attempts.map((a) => a.outcome).sort()).toEqual(['invalid_credentials', 'success']);
    const about = (await allEvents(app)).filter((e) => e.data['userId'] === person.id);
    expect(body.events.map((e) => [e.position, e.type, e.stream_id, e.hash])).toEqual(
      about.map((e) => [e.position, e.type, e.streamId, e.hash]),
    );
    expect(body.events.find((e) => e.type === 'UserRegistered')?.data['email']).toBe(person.email);
    const text = JSON.stringify(body);
    for (const secret of ['passwordHash', 'refreshTokenDigest', 'tokenDigest', 'sealedToken', PASSWORD]) {
      expect(text.includes(secret), secret).toBe(false);
    }
  });

  it('shows a user and their sessions as they were at any instant, replayed from the log', async () => {
    const tick = async (): Promise<string> => {
      await new Promise((resolve) => setTimeout(resolve, 15));
      const at = new Date().toISOString();
      await new Promise((resolve) => setTimeout(resolve, 15));
      return at;
    };
    const before = await tick();
    const person = await personWithHistory('travel');
    const registered = await tick();
    const renamed = await app.request('/users/me', {
      method: 'PATCH',
      json: { full_name: 'Renamed Person' },
      token: person.tokens.access_token,
    });
    expect(renamed.status).toBe(200);
    const second = await logIn(app, person.email);
    const bothOpen = await tick();
    const out = await app.request('/auth/logout', {
      method: 'POST',
      json: { refresh_token: second.refresh_token },
    });
    expect(out.status).toBe(204);
    const after = await tick();

    const userAt = async (at: string): Promise<Response> =>
      asAdmin(`/admin/users/${person.id}?as_of=${encodeURIComponent(at)}`);
    await expectProblem(await userAt(before), 404);
    expect(((await (await userAt(registered)).json()) as { full_name: string }).full_name).toBe(person.name);
    expect(((await (await userAt(after)).json()) as { full_name: string }).full_name).toBe('Renamed Person');

    const sessionsAt = async (at?: string): Promise<number> => {
      const query = at === undefined ? '' : `?as_of=${encodeURIComponent(at)}`;
      const response = await asAdmin(`/admin/users/${person.id}/sessions${query}`);
      expect(response.status).toBe(200);
      return ((await response.json()) as { items: unknown[] }).items.length;
    };
    expect(await sessionsAt(before)).toBe(0);
    expect(await sessionsAt(registered)).toBe(1);
    expect(await sessionsAt(bothOpen)).toBe(2);
    expect(await sessionsAt(after)).toBe(1);
    expect(await sessionsAt()).toBe(1);
    const bad = await asAdmin(`/admin/users/${person.id}?as_of=yesterday`);
    await expectProblem(bad, 422);
  });

  it('lets an administrator erase a user, and refuses to erase an unknown one', async () => {
    const person = await personWithHistory('admin-forget');
    expect((await asAdmin(`/admin/users/${person.id}/erase`, { method: 'POST' })).status).toBe(204);
    await expectProblem(await app.request('/users/me', { token: person.tokens.access_token }), 401);
    await expectProblem(await asAdmin(`/admin/users/${person.id}`), 410);
    const events = await allEvents(app);
    const erasure = events.find((e) => e.type === 'UserErased' && e.data['userId'] === person.id);
    expect(erasure?.data).toMatchObject({ reason: 'admin' });
    expect(erasure?.data['actorId']).not.toBe(person.id);
    await expectProblem(
      await asAdmin('/admin/users/00000000-0000-4000-8000-000000000000/erase', { method: 'POST' }),
      404,
    );
  });
});

async function readAllStored(app: TestApp): Promise<unknown[]> {
  const store = app.runtime.storage.storedEvents;
  await app.runtime.flushRefusals();
  const events: unknown[] = [];
  for (let after = 0; ;) {
    const batch = await store.readAll(after, 1000);
    if (batch.length === 0) return events;
    events.push(...batch);
    after = batch.at(-1)?.position ?? after;
  }
}
