/**
 * Issue 16, items 2, 4 and 8, on two service processes over one FerretDB database, as an attacker
 * (or an operator with database access) would try them:
 *   - 100 concurrent bad logins from one address split over both instances, limit 30/min: at most
 *     30 pass the limiter, the rest are 429 (rate-limiter-flexible's `$inc` let all 100 through);
 *   - 30 racing registrations of one email (and of one username) over both: exactly one 201, the
 *     rest 409, never 500 (the username claim's ConcurrencyError used to escape as a 500);
 *   - a session deleted from `rm_sessions`, then logout-all: its refresh token is still refused.
 * Each part uses its own client address (TRUST_PROXY=1 and X-Forwarded-For), so the budgets of
 * one part never touch another's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventStore } from '../../src/application/ports/event-store.port.js';
import { SESSIONS_COLLECTION } from '../../src/infrastructure/read-models/mongo/mongo-session-read-model.js';
import { userStreamId } from '../../src/domain/user/user.events.js';
import { sessionStreamId } from '../../src/domain/session/session.events.js';
import {
  call,
  FAULT_ENV,
  FAULT_PASSWORD,
  isTokenBody,
  openedMongoLog,
  sessionIdOf,
  sleep,
  waitForCheckpoints,
  type Outcome,
  type TokenBody,
} from '../support/fault-harness.js';
import { useTestDatabase, type TestDatabase } from '../support/mongo.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';

const LOGIN_LIMIT = 30;

/** A request from `from` (the X-Forwarded-For address the instances trust). */
const send = (
  base: string,
  path: string,
  options: { json?: unknown; token?: string; from: string; method?: string },
): Promise<Outcome> =>
  call(base, path, {
    method: options.method ?? (options.json === undefined ? 'GET' : 'POST'),
    headers: { 'X-Forwarded-For': options.from },
    timeoutMs: 60_000,
    ...(options.json === undefined ? {} : { json: options.json }),
    ...(options.token === undefined ? {} : { token: options.token }),
  });

const countBy = (answers: readonly Outcome[]): Record<number, number> => {
  const counts: Record<number, number> = {};
  for (const a of answers) counts[a.status] = (counts[a.status] ?? 0) + 1;
  return counts;
};

describe('two instances on one FerretDB: limits, uniqueness and revoke-all hold', () => {
  let db: TestDatabase;
  let a: ServerProcess;
  let b: ServerProcess;
  let store: EventStore;
  const tag = `${process.pid}${Date.now()}`;

  beforeAll(async () => {
    db = await useTestDatabase('scale');
    const env = {
      ...FAULT_ENV,
      MONGODB_URI: db.uri,
      TRUST_PROXY: '1',
      RATE_LIMIT_LOGIN_PER_MINUTE: String(LOGIN_LIMIT),
    };
    a = await startServerProcess(env);
    b = await startServerProcess(env);
    store = await openedMongoLog(db.db);
  });
  afterAll(async () => {
    await a?.stop('SIGKILL');
    await b?.stop('SIGKILL');
    await db?.drop();
  });

  it('lets at most 30 of 100 concurrent bad logins from one address past the limiter', async () => {
    // A fixed window: not across a minute boundary, where a second budget would start.
    const intoMinute = Date.now() % 60_000;
    if (intoMinute > 45_000) await sleep(60_000 - intoMinute + 200);
    const from = '203.0.113.7';
    const answers = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        send(i % 2 === 0 ? a.baseUrl : b.baseUrl, '/auth/login', {
          from,
          json: { email: `nobody.${tag}.${i}@example.com`, password: 'not the password' },
        }),
      ),
    );
    const counts = countBy(answers);
    const summary = JSON.stringify(counts);
    expect(Object.keys(counts).sort(), summary).toEqual(['401', '429']);
    expect(counts[401], summary).toBeLessThanOrEqual(LOGIN_LIMIT);
    expect(counts[429], summary).toBeGreaterThanOrEqual(100 - LOGIN_LIMIT);
    for (const refused of answers.filter((x) => x.status === 429)) {
      expect(refused.contentType).toMatch(/^application\/problem\+json/);
      expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1);
      expect(Number(refused.retryAfter)).toBeLessThanOrEqual(60);
    }
    // Another address still has its whole budget.
    const other = await send(b.baseUrl, '/auth/login', {
      from: '203.0.113.8',
      json: { email: `nobody.${tag}@example.com`, password: 'not the password' },
    });
    expect(other.status).toBe(401);
  }, 120_000);

  it('answers one 201 and 29 409 to 30 racing registrations of one email, and of one username', async () => {
    const email = `same.${tag}@example.com`;
    const byEmail = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        send(i % 2 === 0 ? a.baseUrl : b.baseUrl, '/auth/register', {
          from: '198.51.100.1',
          json: { email, username: `racer${tag}`, password: FAULT_PASSWORD },
        }),
      ),
    );
    expect(countBy(byEmail), byEmail.map((x) => `${x.status} ${x.text.slice(0, 120)}`).join('\n')).toEqual({
      201: 1,
      409: 29,
    });
    const byUsername = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        send(i % 2 === 0 ? a.baseUrl : b.baseUrl, '/auth/register', {
          from: '198.51.100.2',
          json: { email: `u${i}.${tag}@example.com`, username: `shared${tag}`, password: FAULT_PASSWORD },
        }),
      ),
    );
    expect(
      countBy(byUsername),
      byUsername.map((x) => `${x.status} ${x.text.slice(0, 120)}`).join('\n'),
    ).toEqual({ 201: 1, 409: 29 });
    for (const refused of [...byEmail, ...byUsername].filter((x) => x.status === 409)) {
      expect(refused.contentType).toMatch(/^application\/problem\+json/);
    }
    // Exactly one user holds each value in the log.
    const winner = byEmail.find((x) => x.status === 201)?.body as { id: string };
    const registered = (await store.readStream(userStreamId(winner.id))).filter(
      (e) => e.type === 'UserRegistered',
    );
    expect(registered.map((e) => e.data['email'])).toEqual([email]);
    const usernameWinner = byUsername.find((x) => x.status === 201)?.body as { id: string };
    expect((await store.readStream(userStreamId(usernameWinner.id)))[0]?.data['username']).toBe(
      `shared${tag}`,
    );
  }, 120_000);

  it('revokes on logout-all a session whose read-model document was deleted', async () => {
    const from = '192.0.2.10';
    const email = `hidden.${tag}@example.com`;
    const registered = await send(a.baseUrl, '/auth/register', {
      from,
      json: { email, password: FAULT_PASSWORD },
    });
    expect(registered.status).toBe(201);
    const login = async (base: string): Promise<TokenBody> => {
      const answer = await send(base, '/auth/login', { from, json: { email, password: FAULT_PASSWORD } });
      if (!isTokenBody(answer.body)) throw new Error(`${answer.status} ${answer.text}`);
      return answer.body;
    };
    const current = await login(a.baseUrl);
    const hidden = await login(b.baseUrl);
    const hiddenId = sessionIdOf(hidden.access_token);
    // Both runners have projected the sessions; then the operator deletes one document.
    await waitForCheckpoints(db.db, await store.headPosition());
    const deleted = await db.db.collection<{ _id: string }>(SESSIONS_COLLECTION).deleteOne({ _id: hiddenId });
    expect(deleted.deletedCount).toBe(1);

    const everywhere = await send(b.baseUrl, '/auth/logout-all', {
      from,
      method: 'POST',
      token: current.access_token,
    });
    expect(everywhere.status, everywhere.text).toBe(204);
    const userId = (registered.body as { id: string }).id;
    const cutoff = (await store.readStream(userStreamId(userId))).filter(
      (e) => e.type === 'AllSessionsEnded',
    );
    expect(cutoff.map((e) => e.data)).toEqual([{ userId, reason: 'logout-all', keptSessionId: null }]);

    // The hidden session's refresh token is refused on both instances, and that ends it in the log.
    for (const base of [a.baseUrl, b.baseUrl]) {
      const refresh = await send(base, '/auth/refresh', {
        from,
        json: { refresh_token: hidden.refresh_token },
      });
      expect(refresh.status, refresh.text).toBe(401);
    }
    const hiddenStream = await store.readStream(sessionStreamId(hiddenId));
    expect(hiddenStream.filter((e) => e.type === 'LoggedOut').map((e) => e.data['reason'])).toContain(
      'logout-all',
    );
    // Once ended in its stream, its access token is refused too (the revocation feed carries it).
    let me: Outcome | null = null;
    for (const until = Date.now() + 5_000; Date.now() < until; await sleep(100)) {
      me = await send(a.baseUrl, '/users/me', { from, token: hidden.access_token });
      if (me.status === 401) break;
    }
    expect(me?.status).toBe(401);
    // A session opened after the cut-off works.
    const fresh = await login(a.baseUrl);
    const refreshed = await send(b.baseUrl, '/auth/refresh', {
      from,
      json: { refresh_token: fresh.refresh_token },
    });
    expect(refreshed.status, refreshed.text).toBe(200);
  }, 120_000);
});
