/**
 * Issue 13 item 5: Standard Webhooks. A receiver that fails its first attempts gets every
 * matching event exactly once after deduplication by `webhook-id`, in position order, each
 * signature verified with the `standardwebhooks` package; redirects are not followed; the secret
 * is shown once and never stored readable; only admins reach the routes; SSRF targets are 422.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, logIn, registerAndLogIn, type Tokens } from '../support/api.js';
import { STORES, startTestApp, type TestApp } from '../support/test-app.js';
import { startReceiver, verifiedUnique, waitFor, type Receiver } from '../support/webhook-receiver.js';

const ADMIN_EMAIL = 'root@example.com';
const ADMIN_PASSWORD = 'the admin passphrase';

interface Created {
  id: string;
  url: string;
  event_types: string[];
  secret: string;
}
interface DeliveryPage {
  items: {
    position: number;
    event_type: string;
    attempts: number;
    last_status: number | null;
    delivered_at: string | null;
    next_attempt_at: string | null;
  }[];
  next_cursor: string | null;
}

/** Every byte the store keeps: the SQLite files, or every document of every collection. */
async function rawStore(app: TestApp): Promise<string> {
  const { dataDir, mongoUri } = app.storage;
  if (dataDir !== undefined) {
    const files = await readdir(dataDir);
    const contents = await Promise.all(
      files.filter((f) => f.startsWith('events.sqlite')).map((f) => readFile(join(dataDir, f))),
    );
    return Buffer.concat(contents).toString('latin1');
  }
  const client = new MongoClient(mongoUri ?? '');
  try {
    const db = client.db();
    const dumps: string[] = [];
    for (const { name } of await db.listCollections().toArray()) {
      dumps.push(JSON.stringify(await db.collection(name).find({}).toArray()));
    }
    return dumps.join('\n');
  } finally {
    await client.close();
  }
}

describe.each(STORES)('webhooks on the %s store (issue 13)', (store) => {
  let app: TestApp;
  let admin: Tokens;
  const receivers: Receiver[] = [];
  beforeAll(async () => {
    app = await startTestApp(store, {
      env: { ADMIN_EMAIL, ADMIN_PASSWORD, WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_RETRY_BASE: '1s' },
    });
    admin = await logIn(app, ADMIN_EMAIL, ADMIN_PASSWORD);
  });
  afterAll(async () => {
    await app.dispose();
    await Promise.all(receivers.map((r) => r.close()));
  });

  const subscribe = async (url: string, eventTypes: string[]): Promise<Created> => {
    const response = await app.request('/admin/webhooks', {
      method: 'POST',
      token: admin.access_token,
      json: { url, event_types: eventTypes },
    });
    expect(response.status, await response.clone().text()).toBe(201);
    return (await response.json()) as Created;
  };
  const deliveries = async (id: string): Promise<DeliveryPage> => {
    const response = await app.request(`/admin/webhooks/${id}/deliveries?limit=100`, {
      token: admin.access_token,
    });
    expect(response.status).toBe(200);
    return (await response.json()) as DeliveryPage;
  };

  it(
    'delivers every matching event once (after dedupe), in order, signed, to a receiver that fails at first',
    { timeout: 60_000 },
    async () => {
      const receiver = await startReceiver((n) => ({ status: n <= 2 ? 500 : 200 }));
      receivers.push(receiver);
      const created = await subscribe(receiver.url, ['UserRegistered', 'LoggedIn']);
      expect(created.secret).toMatch(/^whsec_/);
      expect(created.event_types).toEqual(['UserRegistered', 'LoggedIn']);
      for (let i = 0; i < 4; i += 1) await registerAndLogIn(app);

      const head = await app.runtime.storage.eventStore.headPosition();
      const all = await app.runtime.storage.eventStore.readAll(0, 10_000);
      const subscribedAt = all.find(
        (e) => e.type === 'WebhookSubscribed' && e.data['subscriptionId'] === created.id,
      );
      const expected = all
        .filter((e) => e.position > subscribedAt!.position && e.position <= head)
        .filter((e) => e.type === 'UserRegistered' || e.type === 'LoggedIn')
        .map((e) => e.position);
      expect(expected).toHaveLength(8);

      await waitFor(() => {
        const got = verifiedUnique(created.secret, receiver.requests);
        return got.length >= expected.length;
      }, 30_000);
      const got = verifiedUnique(created.secret, receiver.requests);
      expect(got.map((m) => m.position)).toEqual(expected);
      expect(got.map((m) => m.id)).toEqual(expected.map((p) => `evt_${p}`));
      // The failed attempts were retries of the first message: same webhook-id, same body.
      const firstThree = receiver.requests.slice(0, 3);
      expect(new Set(firstThree.map((r) => r.headers['webhook-id']))).toEqual(
        new Set([`evt_${expected[0]}`]),
      );
      expect(new Set(firstThree.map((r) => r.body)).size).toBe(1);
      const body = JSON.parse(receiver.requests[2]!.body) as {
        type: string;
        timestamp: string;
        data: Record<string, unknown>;
      };
      expect(body.type).toBe('UserRegistered');
      expect(body.data).toMatchObject({
        type: 'UserRegistered',
        position: expected[0],
      });
      expect(typeof body.data['stream_id']).toBe('string');
      expect(JSON.stringify(body)).not.toContain('passwordHash');

      await waitFor(async () => (await deliveries(created.id)).items.length === expected.length, 5_000);
      const log = await deliveries(created.id);
      expect(log.items.map((d) => d.position)).toEqual([...expected].reverse());
      const first = log.items.at(-1)!;
      expect(first).toMatchObject({
        event_type: 'UserRegistered',
        attempts: 3,
        last_status: 200,
        next_attempt_at: null,
      });
      expect(first.delivered_at).not.toBeNull();
      const failures = (await app.runtime.storage.eventStore.readStream(`webhook-${created.id}`)).filter(
        (e) => e.type === 'WebhookDeliveryFailed',
      );
      expect(failures.map((e) => [e.data['attempt'], e.data['status']])).toEqual([
        [1, 500],
        [2, 500],
      ]);

      // The secret: shown once, never in a later answer, never readable in the store.
      const list = await app.request('/admin/webhooks', { token: admin.access_token });
      const listText = await list.text();
      expect(listText).toContain(created.id);
      expect(listText).not.toContain(created.secret);
      expect(listText).not.toContain('whsec_');
      const raw = await rawStore(app);
      expect(raw).toContain(created.id);
      expect(raw).not.toContain(created.secret);
      expect(raw).not.toContain(created.secret.slice('whsec_'.length));
    },
  );

  it(
    'does not follow a 302: the attempt fails with 302 and the Location is never requested',
    { timeout: 30_000 },
    async () => {
      const elsewhere = await startReceiver();
      const redirecting = await startReceiver(() => ({ status: 302, headers: { location: elsewhere.url } }));
      receivers.push(elsewhere, redirecting);
      const created = await subscribe(redirecting.url, ['UserRegistered']);
      await registerAndLogIn(app);
      await waitFor(() => redirecting.requests.length >= 2, 15_000);
      expect(elsewhere.requests).toHaveLength(0);
      const log = await deliveries(created.id);
      expect(log.items[0]).toMatchObject({
        event_type: 'UserRegistered',
        last_status: 302,
        delivered_at: null,
      });
      expect(log.items[0]!.attempts).toBeGreaterThanOrEqual(1);
      expect(log.items[0]!.next_attempt_at).not.toBeNull();

      const removed = await app.request(`/admin/webhooks/${created.id}`, {
        method: 'DELETE',
        token: admin.access_token,
      });
      expect(removed.status).toBe(204);
      const again = await app.request(`/admin/webhooks/${created.id}`, {
        method: 'DELETE',
        token: admin.access_token,
      });
      await expectProblem(again, 404);
      await expectProblem(
        await app.request(`/admin/webhooks/${created.id}/deliveries`, { token: admin.access_token }),
        404,
      );
      const list = (await (await app.request('/admin/webhooks', { token: admin.access_token })).json()) as {
        items: { id: string }[];
      };
      expect(list.items.map((w) => w.id)).not.toContain(created.id);
      const after = redirecting.requests.length;
      await registerAndLogIn(app);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(redirecting.requests.length).toBeLessThanOrEqual(after + 1); // at most the attempt in flight
    },
  );

  it('refuses non-admins (403) and anonymous callers (401) on every webhook route', async () => {
    const user = await registerAndLogIn(app);
    const id = '3e240ac6-ee5d-4ca4-ae9a-5b0c40faa44d';
    const calls: [string, string, unknown?][] = [
      ['POST', '/admin/webhooks', { url: 'http://127.0.0.1:9/', event_types: ['*'] }],
      ['GET', '/admin/webhooks'],
      ['DELETE', `/admin/webhooks/${id}`],
      ['GET', `/admin/webhooks/${id}/deliveries`],
    ];
    for (const [method, path, json] of calls) {
      await expectProblem(await app.request(path, { method, token: user.tokens.access_token, json }), 403);
      await expectProblem(await app.request(path, { method, json }), 401);
    }
    const stored = await app.runtime.storage.eventStore.readAll(0, 10_000);
    expect(
      stored.filter((e) => e.type === 'WebhookSubscribed' && e.data['url'] === 'http://127.0.0.1:9/'),
    ).toEqual([]);
  });
});

describe('webhook targets with WEBHOOK_ALLOW_PRIVATE off (SSRF)', () => {
  let app: TestApp;
  let admin: Tokens;
  beforeAll(async () => {
    app = await startTestApp('embedded', { env: { ADMIN_EMAIL, ADMIN_PASSWORD } });
    admin = await logIn(app, ADMIN_EMAIL, ADMIN_PASSWORD);
  });
  afterAll(async () => {
    await app.dispose();
  });

  it.each([
    'http://127.0.0.1/hook',
    'http://[::1]/hook',
    'http://169.254.169.254/latest/meta-data/',
    'http://10.0.0.1/',
    'http://localhost:3000/',
    'http://[::ffff:127.0.0.1]/',
    'http://2130706433/',
    'ftp://example.com/',
  ])('answers 422 for %s and stores no subscription', async (url) => {
    const response = await app.request('/admin/webhooks', {
      method: 'POST',
      token: admin.access_token,
      json: { url, event_types: ['*'] },
    });
    const problem = await expectProblem(response, 422);
    expect(problem.errors?.[0]?.field).toBe('url');
    const stored = await app.runtime.storage.eventStore.readAll(0, 10_000);
    expect(stored.filter((e) => e.type === 'WebhookSubscribed')).toEqual([]);
  });
});
