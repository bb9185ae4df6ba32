/**
 * Issue 13: the service SIGKILLed in the middle of webhook deliveries and started again on the
 * same storage loses no delivery. The receiver gets every event after the subscription, in
 * order; a message sent again after the restart carries the same `webhook-id` (and body), so a
 * receiver that deduplicates sees each event once.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteEventStore } from '../../src/infrastructure/event-store/sqlite-event-store.js';
import { FAULT_ENV, sleep } from '../support/fault-harness.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { startReceiver, verifiedUnique, waitFor, type Receiver } from '../support/webhook-receiver.js';

const ADMIN = { email: 'hook-admin@example.com', password: 'hook admin passphrase' };
const USERS = 12;

const post = async (base: string, route: string, json: unknown, token?: string): Promise<Response> =>
  fetch(`${base}${route}`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      ...(token !== undefined ? { Authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(json),
  });

describe('webhook deliveries across a SIGKILL (embedded store)', () => {
  let dataDir = '';
  let receiver: Receiver | undefined;
  const servers: ServerProcess[] = [];
  afterAll(async () => {
    // A killed child has a signalCode and no exitCode: `stop` would wait for an exit already seen.
    for (const server of servers) if (server.child.signalCode === null) await server.stop('SIGKILL');
    await receiver?.close();
    if (dataDir !== '') await rm(dataDir, { recursive: true, force: true });
  });

  it(
    'resends from the last recorded position after a restart: every event arrives, duplicates share their webhook-id',
    { timeout: 120_000 },
    async () => {
      dataDir = await mkdtemp(path.join(os.tmpdir(), 'webhook-crash-'));
      const env = {
        ...FAULT_ENV,
        DATA_DIR: dataDir,
        ADMIN_EMAIL: ADMIN.email,
        ADMIN_PASSWORD: ADMIN.password,
        PASSWORD_HASHER: 'scrypt-test',
        WEBHOOK_ALLOW_PRIVATE: 'true',
        WEBHOOK_RETRY_BASE: '1s',
      };
      // A slow receiver, so the kill lands while messages are in flight and unacknowledged.
      const slow = await startReceiver(() => ({ status: 204, delayMs: 40 }));
      receiver = slow;
      const first = await startServerProcess(env);
      servers.push(first);
      const login = await post(first.baseUrl, '/auth/login', ADMIN);
      const { access_token: token } = (await login.json()) as { access_token: string };
      const created = await post(
        first.baseUrl,
        '/admin/webhooks',
        { url: slow.url, event_types: ['*'] },
        token,
      );
      expect(created.status).toBe(201);
      const { id, secret } = (await created.json()) as { id: string; secret: string };

      const burst = (async () => {
        for (let i = 0; i < USERS; i += 1) {
          await post(first.baseUrl, '/auth/register', {
            email: `hook.${i}.${Date.now()}@example.com`,
            password: 'correct horse battery',
          }).catch(() => undefined); // the kill cuts some requests
        }
      })();
      await waitFor(() => slow.requests.length >= 5, 30_000);
      first.child.kill('SIGKILL');
      await burst;
      await sleep(200);
      const beforeRestart = slow.requests.length;

      const second = await startServerProcess(env);
      servers.push(second);
      const log = new SqliteEventStore({ file: path.join(dataDir, 'events.sqlite') });
      try {
        // A few events after the restart too, so the cursor must carry on past them.
        await post(second.baseUrl, '/auth/register', {
          email: `after.${Date.now()}@example.com`,
          password: 'correct horse battery',
        });
        // The log keeps growing after the register (the mail sender records its deliveries, and
        // those are events the subscription receives too): compare against the log as it is when
        // the deliveries have caught up with it.
        const expectedPositions = async (): Promise<number[]> => {
          const all = await log.readAll(0, 100_000);
          const subscribedAt = all.find(
            (e) => e.type === 'WebhookSubscribed' && e.data['subscriptionId'] === id,
          )!;
          return all
            .filter((e) => e.position > subscribedAt.position && !e.streamId.startsWith('webhook-'))
            .map((e) => e.position);
        };
        let expected: number[] = [];
        const deliveredPositions = (): number[] =>
          verifiedUnique(secret, slow.requests).map((m) => m.position);
        await waitFor(async () => {
          expected = await expectedPositions();
          return deliveredPositions().length >= expected.length;
        }, 60_000);
        expect(expected.length).toBeGreaterThan(10);
        expect(deliveredPositions().slice(0, expected.length)).toEqual(expected);
        expect(slow.requests.length).toBeGreaterThan(beforeRestart);
        // Duplicates (sent before the kill, not yet recorded) are the same message.
        const bodies = new Map<string, string>();
        for (const request of slow.requests) {
          const messageId = String(request.headers['webhook-id']);
          const seen = bodies.get(messageId);
          if (seen !== undefined) expect(request.body).toBe(seen);
          else bodies.set(messageId, request.body);
        }
        // The acknowledgements in the log reach the last event.
        await waitFor(async () => {
          const stream = await log.readStream(`webhook-${id}`);
          const acked = stream
            .filter((e) => e.type === 'WebhookDelivered')
            .map((e) => Number(e.data['position']));
          return Math.max(0, ...acked) >= expected.at(-1)!;
        }, 10_000);
      } finally {
        await log.close();
      }
    },
  );
});
