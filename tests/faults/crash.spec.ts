/**
 * Issue 6, Faults 2: the service is SIGKILLed in the middle of a burst of logins and refreshes and
 * started again on the same storage. Nothing it acknowledged may be lost, and the read models
 * (MongoDB: persisted, resumed from their checkpoints; embedded: rebuilt in memory at start) must
 * equal a rebuild from position 0, so no event was applied twice or skipped.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../src/application/ports/event-store.port.js';
import type { LoginAttemptView } from '../../src/application/ports/login-attempt-read-model.port.js';
import type { UserView } from '../../src/application/ports/user-read-model.port.js';
import { loginAttemptsProjection, usersProjection } from '../../src/application/projections/index.js';
import { presentAttempt, presentUser } from '../../src/interfaces/http/presenters.js';
import {
  call,
  describeOutcome,
  expectAcknowledgedInStore,
  expectMongoReadModelsEqualRebuild,
  FAULT_ENV,
  FAULT_PASSWORD,
  isTokenBody,
  openedEmbeddedLog,
  openedMongoLog,
  readAllEvents,
  rebuild,
  sleep,
  storedCheckpoints,
  Traffic,
  waitForCheckpoints,
} from '../support/fault-harness.js';
import { isMailRecord } from '../support/events.js';
import { useTestDatabase } from '../support/mongo.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';

const ADMIN = { email: 'crash-admin@example.com', password: 'crash admin passphrase' };
const USERS = 6;
/** Acknowledged requests of the burst before the kill: well inside it, never at its end. */
const ACKS_BEFORE_KILL = 12;
const WORKERS = 5;

/** Registers, logs in, then SIGKILLs the service during a burst; returns what it acknowledged. */
async function crashDuringBurst(
  env: Record<string, string>,
): Promise<{ traffic: Traffic; killed: ServerProcess }> {
  const server = await startServerProcess(env);
  const traffic = new Traffic([server.baseUrl]);
  await Promise.all(Array.from({ length: USERS }, () => traffic.register()));
  // Two sessions per user, more than there are workers: some chains are idle at the kill.
  await Promise.all([...traffic.users, ...traffic.users].map((email) => traffic.login(email)));
  expect(traffic.chains, traffic.outcomes.map((o) => describeOutcome(o.outcome)).join('\n')).toHaveLength(
    2 * USERS,
  );

  const before = traffic.acks.length;
  // Logins and refreshes only, mostly refreshes (no bcrypt: many events per second).
  traffic.start(WORKERS, 0, () => (Math.random() < 0.3 ? traffic.login() : traffic.refresh()));
  for (const deadline = Date.now() + 60_000; traffic.acks.length < before + ACKS_BEFORE_KILL;) {
    if (Date.now() > deadline)
      throw new Error(`the burst acknowledged only ${traffic.acks.length - before} requests in 60 s`);
    await sleep(5);
  }
  // No request starts after the kill: one that met the dead server would drop its chain as
  // unanswered, and enough of them could leave no acknowledged chain to check after the restart.
  const stopping = traffic.stop();
  await server.stop('SIGKILL');
  await stopping;
  expect(server.child.signalCode).toBe('SIGKILL');
  return { traffic, killed: server };
}

/** After the restart: each kept refresh token still rotates, and each user can log in. */
async function expectAcknowledgedUsable(baseUrl: string, traffic: Traffic): Promise<void> {
  const summary = traffic.outcomes
    .slice(-40)
    .map((o) => `${o.kind} ${o.outcome.status} ${o.outcome.text.slice(0, 120)}`)
    .join('\n');
  expect(
    traffic.chains.length,
    `refresh chains whose last answer was a 200; last outcomes:\n${summary}`,
  ).toBeGreaterThan(0);
  for (const chain of traffic.chains) {
    const refreshed = await call(baseUrl, '/auth/refresh', {
      method: 'POST',
      json: { refresh_token: chain.refreshToken },
    });
    expect(refreshed.status, `${chain.sessionId}: ${describeOutcome(refreshed)}`).toBe(200);
  }
  for (const email of traffic.users) {
    const login = await call(baseUrl, '/auth/login', {
      method: 'POST',
      json: { email, password: FAULT_PASSWORD },
    });
    expect(login.status, describeOutcome(login)).toBe(200);
  }
}

describe('crash: SIGKILL during a burst of logins and refreshes, then restart', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  });

  it('on MongoDB: resumes from the checkpoints, loses nothing acknowledged, read models equal a rebuild', async () => {
    const db = await useTestDatabase('crash');
    cleanups.push(() => db.drop());
    const env = { ...FAULT_ENV, MONGODB_URI: db.uri };
    const { traffic } = await crashDuringBurst(env);

    const store = await openedMongoLog(db.db);
    const headAtCrash = await store.headPosition();
    const checkpointsAtCrash = await storedCheckpoints(db.db);
    // Projections had saved progress before the kill: the restart resumes, it does not start over.
    for (const name of ['users', 'sessions', 'login-attempts']) {
      expect(checkpointsAtCrash[name] ?? 0, `checkpoint of ${name}`).toBeGreaterThan(0);
      expect(checkpointsAtCrash[name] ?? 0).toBeLessThanOrEqual(headAtCrash);
    }
    // What was acknowledged before the kill is in the log before anything else runs.
    expectAcknowledgedInStore(traffic.acks, await readAllEvents(store));

    const restarted = await startServerProcess(env);
    cleanups.push(async () => void (await restarted.stop('SIGKILL')));
    await expectAcknowledgedUsable(restarted.baseUrl, traffic);
    const head = await store.headPosition();
    await waitForCheckpoints(db.db, head);
    expect(await restarted.stop(), restarted.output().slice(-2000)).toBe(0);

    const events = await readAllEvents(store);
    // No gap up to the head; the stop itself adds the shutdown audit checkpoint after `head`, and
    // the mail sender may still record the last registrations' verification mails.
    expect(events).toHaveLength(await store.headPosition());
    expect(
      events
        .slice(head)
        .map((e) => e.type)
        .filter((type) => !isMailRecord(type)),
    ).toEqual(['AuditCheckpointSigned']);
    expectAcknowledgedInStore(traffic.acks, events);
    await expectMongoReadModelsEqualRebuild(db.db, events);
  }, 180_000);

  it('on the embedded store: the log survives the kill, nothing acknowledged is lost, read models equal a rebuild', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'auth-crash-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const env = { ...FAULT_ENV, DATA_DIR: dataDir, ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password };
    const { traffic } = await crashDuringBurst(env);

    const atCrash = openedEmbeddedLog(dataDir);
    try {
      expectAcknowledgedInStore(traffic.acks, await readAllEvents(atCrash.log));
    } finally {
      await atCrash.close();
    }

    const restarted = await startServerProcess(env);
    cleanups.push(async () => void (await restarted.stop('SIGKILL')));
    await expectAcknowledgedUsable(restarted.baseUrl, traffic);

    // The in-memory read models of the restarted process, seen through the admin API, against a
    // rebuild of the log the process wrote (read beside it: SQLite in WAL mode allows that).
    const login = await call(restarted.baseUrl, '/auth/login', { method: 'POST', json: ADMIN });
    if (!isTokenBody(login.body)) throw new Error(describeOutcome(login));
    const token = login.body.access_token;
    const reader = openedEmbeddedLog(dataDir);
    let events: StoredEvent[] = [];
    try {
      let last = '';
      for (const deadline = Date.now() + 15_000; ;) {
        events = await readAllEvents(reader.log);
        const expected = {
          users: rebuild(usersProjection, events).map((r) => presentUser(r.doc as unknown as UserView)),
          attempts: rebuild(loginAttemptsProjection, events).map((r) =>
            presentAttempt(r.doc as unknown as LoginAttemptView),
          ),
        };
        const actual = {
          users: byId(await listAll(restarted.baseUrl, '/admin/users', token)),
          attempts: byId(await listAll(restarted.baseUrl, '/admin/login-attempts', token)),
        };
        if (JSON.stringify(actual) === JSON.stringify(expected)) break;
        last = `users ${actual.users.length}/${expected.users.length}, attempts ${actual.attempts.length}/${expected.attempts.length}`;
        if (Date.now() > deadline) {
          expect(actual, `read models differ from a rebuild (${last})`).toEqual(expected);
          break;
        }
        await sleep(200);
      }
    } finally {
      await reader.close();
    }
    expect(await restarted.stop(), restarted.output().slice(-2000)).toBe(0);
    expectAcknowledgedInStore(traffic.acks, events);
  }, 180_000);
});

const byId = <T extends { id: string }>(items: T[]): T[] =>
  [...items].sort((a, b) => a.id.localeCompare(b.id));

/** Every page of an admin list. */
async function listAll<T extends { id: string }>(
  baseUrl: string,
  route: string,
  token: string,
): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const query: string = `?limit=100${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`;
    const page = await call(baseUrl, `${route}${query}`, { token });
    expect(page.status, describeOutcome(page)).toBe(200);
    const body = page.body as { items: T[]; next_cursor: string | null };
    items.push(...body.items);
    cursor = body.next_cursor;
  } while (cursor !== null);
  return items;
}
