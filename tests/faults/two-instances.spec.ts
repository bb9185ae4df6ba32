/**
 * Issue 6, Faults 3: two service processes on one MongoDB database under concurrent load. Every
 * decision comes from the store, so uniqueness, refresh-token rotation and revocation must hold
 * across instances; both projection runners write the shared read models, which must still equal a
 * rebuild from position 0 at the end.
 */
import { afterAll, describe, expect, it } from 'vitest';
import {
  call,
  describeOutcome,
  expectAcknowledgedInStore,
  expectMongoReadModelsEqualRebuild,
  FAULT_ENV,
  FAULT_PASSWORD,
  isTokenBody,
  openedMongoLog,
  readAllEvents,
  sleep,
  Traffic,
  unexpectedOutcomes,
  waitForCheckpoints,
  type Outcome,
} from '../support/fault-harness.js';
import { useTestDatabase, type TestDatabase } from '../support/mongo.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';

const RACES = 10;
const REVOCATION_BUDGET_MS = 1_000;

describe('two instances on one MongoDB under concurrent load', () => {
  let db: TestDatabase | undefined;
  const servers: ServerProcess[] = [];
  afterAll(async () => {
    for (const server of servers) await server.stop('SIGKILL');
    await db?.drop();
  });

  it('keeps uniqueness, refresh races and revocation across instances; read models equal a rebuild', async () => {
    db = await useTestDatabase('two');
    const env = { ...FAULT_ENV, MONGODB_URI: db.uri };
    // One after the other: the first creates the signing key that the second then loads.
    const a = await startServerProcess(env);
    servers.push(a);
    const b = await startServerProcess(env);
    servers.push(b);

    // Background load on both instances for the whole test.
    const load = new Traffic([a.baseUrl, b.baseUrl]);
    for (let i = 0; i < 2; i++) await load.register();
    load.start(2, 20);
    const raceOutcomes: Outcome[] = [];
    const race = async (...requests: Promise<Outcome>[]): Promise<Outcome[]> => {
      const outcomes = await Promise.all(requests);
      raceOutcomes.push(...outcomes);
      return outcomes;
    };

    // Uniqueness: the same email (and the same username) on both instances at once.
    const tag = `${process.pid}${Date.now()}`;
    const emailRaces = Array.from({ length: RACES }, (_, i) => {
      const body = { email: `same.${tag}.${i}@example.com`, password: FAULT_PASSWORD };
      return race(
        call(a.baseUrl, '/auth/register', { method: 'POST', json: body }),
        call(b.baseUrl, '/auth/register', { method: 'POST', json: body }),
      );
    });
    const usernameRaces = Array.from({ length: RACES }, (_, i) =>
      race(
        call(a.baseUrl, '/auth/register', {
          method: 'POST',
          json: { email: `ua.${tag}.${i}@example.com`, username: `u${tag}x${i}`, password: FAULT_PASSWORD },
        }),
        call(b.baseUrl, '/auth/register', {
          method: 'POST',
          json: { email: `ub.${tag}.${i}@example.com`, username: `u${tag}x${i}`, password: FAULT_PASSWORD },
        }),
      ),
    );
    for (const pair of [...(await Promise.all(emailRaces)), ...(await Promise.all(usernameRaces))]) {
      expect(pair.map((o) => o.status).sort(), pair.map(describeOutcome).join('\n')).toEqual([201, 409]);
    }

    // Refresh races: the same refresh token presented to both instances at once.
    const racer = `racer.${tag}@example.com`;
    expect(
      (
        await call(a.baseUrl, '/auth/register', {
          method: 'POST',
          json: { email: racer, password: FAULT_PASSWORD },
        })
      ).status,
    ).toBe(201);
    // The sessions to race are opened two at a time, one per instance: logins of one account
    // reserve places in that account's guess budget, and ten at once across two instances on
    // FerretDB serialise on that one stream (its reads and appends are scans there).
    const sessions: { refresh_token: string }[] = [];
    for (let i = 0; i < RACES; i += 2) {
      const pair = await Promise.all(
        [a.baseUrl, b.baseUrl].map(async (base) => {
          const login = await call(base, '/auth/login', {
            method: 'POST',
            json: { email: racer, password: FAULT_PASSWORD },
          });
          if (!isTokenBody(login.body)) throw new Error(describeOutcome(login));
          return login.body;
        }),
      );
      sessions.push(...pair);
    }
    let winners = 0;
    for (const pair of await Promise.all(
      sessions.map((tokens) =>
        race(
          call(a.baseUrl, '/auth/refresh', { method: 'POST', json: { refresh_token: tokens.refresh_token } }),
          call(b.baseUrl, '/auth/refresh', { method: 'POST', json: { refresh_token: tokens.refresh_token } }),
        ),
      ),
    )) {
      const statuses = pair.map((o) => o.status);
      expect(
        statuses.filter((s) => s === 200).length,
        pair.map(describeOutcome).join('\n'),
      ).toBeLessThanOrEqual(1);
      expect(
        statuses.every((s) => s === 200 || s === 401),
        pair.map(describeOutcome).join('\n'),
      ).toBe(true);
      winners += statuses.filter((s) => s === 200).length;
    }
    expect(winners, 'some race must have a winner').toBeGreaterThan(0);

    // Revocation: a logout on A is honoured by B within a second. One at a time, so the probes do
    // not queue behind each other. B must refuse every request sent more than 1 s after the logout
    // answered: the last probe it accepted was sent at most that long after it.
    const accepted: number[] = [];
    const refused: number[] = [];
    for (let i = 0; i < 5; i++) {
      const login = await call(a.baseUrl, '/auth/login', {
        method: 'POST',
        json: { email: racer, password: FAULT_PASSWORD },
      });
      if (!isTokenBody(login.body)) throw new Error(describeOutcome(login));
      const { access_token: token, refresh_token: refreshToken } = login.body;
      const before = await call(b.baseUrl, '/users/me', { token });
      expect(before.status, describeOutcome(before)).toBe(200);
      const logout = await call(a.baseUrl, '/auth/logout', { method: 'POST', json: {}, token });
      expect(logout.status, describeOutcome(logout)).toBe(204);
      const loggedOutAt = Date.now();
      let lastAccepted = 0;
      let seen: Outcome = before;
      while (Date.now() - loggedOutAt < REVOCATION_BUDGET_MS + 3_000) {
        seen = await call(b.baseUrl, '/users/me', { token });
        if (seen.status !== 200) break;
        lastAccepted = seen.startedAt - loggedOutAt;
        await sleep(20);
      }
      expect(seen.status, describeOutcome(seen)).toBe(401);
      accepted.push(lastAccepted);
      refused.push(seen.startedAt - loggedOutAt);
      const refresh = await call(b.baseUrl, '/auth/refresh', {
        method: 'POST',
        json: { refresh_token: refreshToken },
      });
      expect(refresh.status, describeOutcome(refresh)).toBe(401);
    }
    expect(
      Math.max(...accepted),
      `B still accepted a revoked token sent ${accepted.join(', ')} ms after the logout (first refusal sent at ${refused.join(', ')} ms)`,
    ).toBeLessThanOrEqual(REVOCATION_BUDGET_MS);

    await load.stop();
    const bad = unexpectedOutcomes(
      load.outcomes.map((o) => o.outcome),
      new Set([200, 201]),
    );
    expect(bad.map(describeOutcome)).toEqual([]);
    expect(raceOutcomes.filter((o) => o.status === 0 || o.status >= 500).map(describeOutcome)).toEqual([]);

    // Both runners wrote the shared read models: they must equal a rebuild from position 0.
    const store = await openedMongoLog(db.db);
    const head = await store.headPosition();
    await waitForCheckpoints(db.db, head);
    expect(await a.stop()).toBe(0);
    expect(await b.stop()).toBe(0);
    const events = await readAllEvents(store);
    // No gap up to the head; each stop may add its shutdown audit checkpoint after `head`, and
    // writes the refusal counts of the current minute (rejected tokens of revoked sessions); the
    // mail senders record the last registrations' verification mails as they finish them.
    expect(events).toHaveLength(await store.headPosition());
    const atStop = events.slice(head).map((e) => e.type);
    expect(atStop.length).toBeGreaterThanOrEqual(1);
    const writtenAtStop = new Set([
      'AuditCheckpointSigned',
      'TokenRejected',
      'LoginFailed',
      'AdminAccessDenied',
      'MailClaimed',
      'MailSent',
      'MailFailed',
    ]);
    expect(atStop.filter((type) => !writtenAtStop.has(type))).toEqual([]);
    expect(atStop).toContain('AuditCheckpointSigned');
    expectAcknowledgedInStore(load.acks, events);
    await expectMongoReadModelsEqualRebuild(db.db, events);
  }, 180_000);
});
