import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyLog } from '../../src/infrastructure/audit/log-verifier.js';
import { logIn, PASSWORD, register, uniqueEmail, type Tokens } from '../support/api.js';
import { allEvents } from '../support/events.js';
import { STORES, startTestApp, type TestApp } from '../support/test-app.js';

const ADMIN_EMAIL = 'root@example.com';
const ADMIN_PASSWORD = 'the admin passphrase';
const USER_AGENT = 'PrivacyBrowser/7.1 (erasable)';
const CLIENT_IP = '198.51.100.77';

describe.each(STORES)('privacy on the %s store', (store) => {
  let app: TestApp;
  let admin: Tokens;
  beforeAll(async () => {
    app = await startTestApp(store, { env: { ADMIN_EMAIL, ADMIN_PASSWORD, TRUST_PROXY: '1' } });
    admin = await logIn(app, ADMIN_EMAIL, ADMIN_PASSWORD);
  });
  afterAll(async () => {
    await app.dispose();
  });

  const asAdmin = (p: string, init: RequestInit & { json?: unknown } = {}): Promise<Response> =>
    app.request(p, { ...init, token: admin.access_token });
  const fromClient = { 'User-Agent': USER_AGENT, 'X-Forwarded-For': CLIENT_IP };

  /** A user with every kind of personal field: email, username, name, address, user agent, typos. */
  async function personWithHistory(label: string): Promise<{
    id: string;
    email: string;
    username: string;
    name: string;
    tokens: Tokens;
  }> {
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
    return { id: user.id, email, username, name, tokens };
  }

  it('stores personal fields only sealed, and opens them for the service and its admins', async () => {
    const person = await personWithHistory('sealed');
    const events = (await allEvents(app)).filter(
      (e) => e.data['userId'] === person.id || e.metadata.actorId === person.id,
    );
    const registered = events.find((e) => e.type === 'UserRegistered');
    expect(registered?.data).toMatchObject({ email: person.email, username: person.username });
    const login = events.find((e) => e.type === 'LoggedIn');
    expect(login?.data).toMatchObject({ ip: CLIENT_IP, userAgent: USER_AGENT });
    const failed = events.find((e) => e.type === 'LoginFailed');
    expect(failed?.data).toMatchObject({ identifier: person.email, ip: CLIENT_IP });

    // The log as stored: no personal value in any event or stream id.
    const stored = JSON.stringify(await readAllStored(app));
    for (const value of [person.email, person.username, person.name, CLIENT_IP, USER_AGENT]) {
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
