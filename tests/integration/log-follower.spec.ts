import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { EventStore } from '../../src/application/ports/event-store.port.js';
import type {
  DocChange,
  DocMatch,
  PositionedDoc,
  ProjectionStore,
} from '../../src/application/ports/projection-store.port.js';
import type { LoginAttemptReadModel } from '../../src/application/ports/login-attempt-read-model.port.js';
import type { SessionReadModel } from '../../src/application/ports/session-read-model.port.js';
import type { UserReadModel } from '../../src/application/ports/user-read-model.port.js';
import {
  loginAttemptsProjection,
  sessionsProjection,
  usersProjection,
} from '../../src/application/projections/index.js';
import type { Projection } from '../../src/application/projections/projection.js';
import type { LoginAttemptEvent } from '../../src/domain/login-attempt/login-attempt.events.js';
import type { SessionEvent } from '../../src/domain/session/session.events.js';
import type { UserEvent } from '../../src/domain/user/user.events.js';
import { MongoEventStore } from '../../src/infrastructure/event-store/mongo-event-store.js';
import { SqliteEventStore } from '../../src/infrastructure/event-store/sqlite-event-store.js';
import { LogFollower, type FollowerLogger } from '../../src/infrastructure/log-follower/log-follower.js';
import { bind, type ProjectionBinding } from '../../src/infrastructure/log-follower/read-model-batch.js';
import { ReadModels as FollowedReadModels } from '../../src/infrastructure/log-follower/read-models.js';
import { InMemoryProjectionStore } from '../../src/infrastructure/read-models/in-memory/in-memory-projection-store.js';
import { InMemoryLoginAttemptReadModel } from '../../src/infrastructure/read-models/in-memory/in-memory-login-attempt-read-model.js';
import { InMemorySessionReadModel } from '../../src/infrastructure/read-models/in-memory/in-memory-session-read-model.js';
import { InMemoryUserReadModel } from '../../src/infrastructure/read-models/in-memory/in-memory-user-read-model.js';
import { MongoLoginAttemptReadModel } from '../../src/infrastructure/read-models/mongo/mongo-login-attempt-read-model.js';
import { MongoSessionReadModel } from '../../src/infrastructure/read-models/mongo/mongo-session-read-model.js';
import { MongoUserReadModel } from '../../src/infrastructure/read-models/mongo/mongo-user-read-model.js';
import { mongoServerLabel, useTestDatabase } from '../support/mongo.js';

// --- a workload: the life of a few users, appended as the use cases would ------------------------

const BASE = Date.parse('2026-04-01T08:00:00.000Z');
type AnyEvent = UserEvent | SessionEvent | LoginAttemptEvent;

async function put(store: EventStore, streamId: string, event: AnyEvent, at: number): Promise<number> {
  const result = await store.append({
    streamId,
    expectedVersion: 'any',
    events: [{ type: event.type, data: event.data }],
    metadata: { requestId: `req-${at}` },
    occurredAt: new Date(BASE + at * 1000),
  });
  return result.position;
}

interface FollowingOptions {
  readonly batchSize?: number;
  readonly pollIntervalMs?: number;
  readonly retryDelayMs?: number;
  readonly maxRetryDelayMs?: number;
  readonly logger?: FollowerLogger;
}

/** Read models on a log follower of their own, as the container wires them. */
function readModelsOn(
  log: EventStore,
  bindings: readonly ProjectionBinding[],
  options: FollowingOptions = {},
) {
  const follower = new LogFollower(log, {
    ...(options.batchSize !== undefined ? { batchSize: options.batchSize } : {}),
    ...(options.pollIntervalMs !== undefined ? { pollIntervalMs: options.pollIntervalMs } : {}),
    retry: { baseMs: options.retryDelayMs ?? 100, maxMs: options.maxRetryDelayMs ?? 5000 },
    ...(options.logger !== undefined ? { logger: options.logger } : {}),
  });
  const models = new FollowedReadModels(follower, log, bindings, {
    ...(options.batchSize !== undefined ? { batchSize: options.batchSize } : {}),
    ...(options.logger !== undefined ? { logger: options.logger } : {}),
  });
  return Object.assign(models, {
    start: () => follower.start(),
    stop: async () => {
      await follower.stop();
      await models.stopped();
    },
  });
}
type Following = ReturnType<typeof readModelsOn>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const registration = (n: number): UserEvent => ({
  type: 'UserRegistered',
  data: {
    userId: `user-${n}`,
    email: `user${n}@example.com`,
    username: `user${n}`,
    fullName: `User ${n}`,
    passwordHash: `hash-${n}`,
    role: 'user',
  },
});

/** User `n` registers, fails once, logs in, refreshes, sometimes edits, logs out, is deactivated… */
async function lifeOf(store: EventStore, n: number): Promise<number> {
  const userId = `user-${n}`;
  const sessionId = `session-${n}`;
  const email = `user${n}@example.com`;
  const t = n * 100;
  const attempts = `login-attempts-${n}`;
  await put(store, `user-${userId}`, registration(n), t);
  const failure = { attemptId: `attempt-${n}`, identifier: email, userId, ip: '10.0.0.1', userAgent: 'ua' };
  await put(
    store,
    attempts,
    { type: 'LoginFailed', data: { ...failure, outcome: 'invalid_credentials' } },
    t + 1,
  );
  await put(
    store,
    `session-${sessionId}`,
    {
      type: 'LoggedIn',
      data: {
        sessionId,
        userId,
        identifier: email,
        refreshTokenDigest: `digest-${n}-1`,
        expiresAt: new Date(BASE + (t + 600) * 1000).toISOString(),
        ip: '10.0.0.1',
        userAgent: 'ua',
      },
    },
    t + 2,
  );
  await put(
    store,
    `session-${sessionId}`,
    {
      type: 'TokenRefreshed',
      data: {
        sessionId,
        userId,
        refreshTokenDigest: `digest-${n}-2`,
        expiresAt: new Date(BASE + (t + 900) * 1000).toISOString(),
      },
    },
    t + 3,
  );
  if (n % 2 === 0) {
    await put(
      store,
      `user-${userId}`,
      { type: 'UserProfileUpdated', data: { userId, fullName: `Renamed ${n}`, username: null } },
      t + 4,
    );
  }
  if (n % 4 === 0) {
    await put(
      store,
      attempts,
      {
        type: 'AccountLocked',
        data: {
          identifier: email,
          userId,
          ip: '10.0.0.1',
          failures: 5,
          lockedUntil: '2026-04-02T00:00:00.000Z',
        },
      },
      t + 5,
    );
  }
  if (n % 3 === 0) {
    await put(
      store,
      `session-${sessionId}`,
      { type: 'LoggedOut', data: { sessionId, userId, reason: 'user' } },
      t + 6,
    );
  }
  if (n % 5 === 0) await put(store, `user-${userId}`, { type: 'UserDeactivated', data: { userId } }, t + 7);
  return put(
    store,
    attempts,
    {
      type: 'LoginFailed',
      data: {
        attemptId: `ghost-${n}`,
        identifier: `ghost${n}`,
        userId: null,
        outcome: 'unknown_user',
        ip: null,
        userAgent: null,
      },
    },
    t + 8,
  );
}

// --- read models and what they hold --------------------------------------------------------------

interface ReadModels {
  readonly users: UserReadModel;
  readonly sessions: SessionReadModel;
  readonly attempts: LoginAttemptReadModel;
}

const inMemory = (): ReadModels => ({
  users: new InMemoryUserReadModel(),
  sessions: new InMemorySessionReadModel(),
  attempts: new InMemoryLoginAttemptReadModel(),
});

const bindingsOf = (models: ReadModels) => [
  bind(usersProjection, models.users),
  bind(sessionsProjection, models.sessions),
  bind(loginAttemptsProjection, models.attempts),
];

async function idsOf<Doc extends object>(projection: Projection<Doc>, store: EventStore): Promise<string[]> {
  const ids = new Set<string>();
  for (let after = 0; ;) {
    const events = await store.readAll(after, 1000);
    const last = events[events.length - 1];
    if (last === undefined) return [...ids].sort();
    for (const event of events) {
      const id = projection.eventTypes.has(event.type) ? projection.documentId(event) : null;
      if (id !== null) ids.add(id);
    }
    after = last.position;
  }
}

async function contents<Doc extends object>(
  projection: Projection<Doc>,
  model: ProjectionStore<Doc>,
  log: EventStore,
): Promise<[string, PositionedDoc<Doc>][]> {
  const loaded = await model.load(await idsOf(projection, log));
  return [...loaded.entries()].sort(([a], [b]) => a.localeCompare(b));
}

/** Every document with its position, plus what the queries answer. */
async function snapshot(models: ReadModels, log: EventStore) {
  return {
    users: await contents(usersProjection, models.users, log),
    sessions: await contents(sessionsProjection, models.sessions, log),
    attempts: await contents(loginAttemptsProjection, models.attempts, log),
    userList: await models.users.search({ limit: 1000 }),
    active: await models.sessions.activeOf('user-2', new Date(BASE), { limit: 10 }),
    trail: await models.attempts.query({}, { limit: 1000 }),
    checkpoints: [
      await models.users.checkpoint(),
      await models.sessions.checkpoint(),
      await models.attempts.checkpoint(),
    ],
  };
}

async function rebuiltFresh(log: EventStore) {
  const fresh = inMemory();
  await readModelsOn(log, bindingsOf(fresh), { batchSize: 1000 }).rebuild();
  return snapshot(fresh, log);
}

/**
 * Counts the events of each stream: unlike the real projections, applying an event twice shows,
 * so it proves the runner's own idempotence rather than that of set-like projections.
 */
interface StreamCount {
  readonly streamId: string;
  readonly count: number;
}
const countingProjection: Projection<StreamCount> = {
  name: 'stream-counts',
  eventTypes: new Set(['UserRegistered', 'UserProfileUpdated', 'LoggedIn', 'TokenRefreshed', 'LoggedOut']),
  documentId: (event) => event.streamId,
  evolve: (doc, event) => ({ streamId: event.streamId, count: (doc?.count ?? 0) + 1 }),
};

class RecordingLogger implements FollowerLogger {
  readonly errors: string[] = [];
  warn(): void {}
  error(_fields: Record<string, unknown>, message: string): void {
    this.errors.push(message);
  }
}

/** A store that fails on demand, like a database that goes away for a while. */
class Flaky<Doc extends object> implements ProjectionStore<Doc> {
  failSaves = 0;
  failCheckpoints = 0;
  constructor(private readonly inner: ProjectionStore<Doc>) {}
  load(ids: readonly string[]) {
    return this.inner.load(ids);
  }
  async save(changes: readonly DocChange<Doc>[]) {
    if (this.failSaves > 0) {
      this.failSaves -= 1;
      throw new Error('store unavailable');
    }
    await this.inner.save(changes);
  }
  checkpoint() {
    return this.inner.checkpoint();
  }
  async saveCheckpoint(position: number) {
    if (this.failCheckpoints > 0) {
      this.failCheckpoints -= 1;
      throw new Error('crash after save, before checkpoint');
    }
    await this.inner.saveCheckpoint(position);
  }
  reset() {
    return this.inner.reset();
  }
  scrub(match: DocMatch, scrub: (doc: Doc) => Doc) {
    return this.inner.scrub(match, scrub);
  }
}

// --- the runner over the embedded store -----------------------------------------------------------

describe('The log follower feeding read models over SqliteEventStore with in-memory read models', () => {
  let dir: string;
  let log: SqliteEventStore;
  const runners: Following[] = [];
  const track = (runner: Following) => {
    runners.push(runner);
    return runner;
  };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'runner-'));
    log = new SqliteEventStore({ file: join(dir, 'events.sqlite') });
  });
  afterEach(async () => {
    for (const runner of runners.splice(0)) await runner.stop();
    await log.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('follows concurrent appends, from this process and another, and ends equal to a fresh rebuild', async () => {
    const models = inMemory();
    const runner = track(readModelsOn(log, bindingsOf(models), { batchSize: 7, pollIntervalMs: 10 }));
    runner.start();
    // A second handle on the same file stands for another process: its appends wake no one here.
    const other = new SqliteEventStore({ file: join(dir, 'events.sqlite') });
    try {
      await Promise.all([
        (async () => {
          for (let n = 1; n <= 15; n++) await lifeOf(log, n);
        })(),
        (async () => {
          for (let n = 16; n <= 30; n++) await lifeOf(log, n);
        })(),
        (async () => {
          for (let n = 31; n <= 40; n++) await lifeOf(other, n);
        })(),
      ]);
    } finally {
      await other.close();
    }
    const head = await log.headPosition();
    // 40 lives of 5 events, plus the optional ones: 20 renames, 10 locks, 13 logouts, 8 deactivations.
    expect(head).toBe(251);
    expect(await runner.waitFor(head, 5000)).toBe(true);
    expect(await runner.lag()).toBe(0);
    expect(runner.positions()).toEqual([
      { name: 'users', checkpoint: head },
      { name: 'sessions', checkpoint: head },
      { name: 'login-attempts', checkpoint: head },
    ]);

    const live = await snapshot(models, log);
    expect(live).toEqual(await rebuiltFresh(log));
    // And the content is what the workload says, not merely self-consistent.
    expect(live.users).toHaveLength(40);
    expect(live.sessions).toHaveLength(40);
    expect(live.attempts).toHaveLength(120);
    expect(await models.users.byId('user-10')).toMatchObject({
      fullName: 'Renamed 10',
      username: null,
      isActive: false,
      lastLoginAt: new Date(BASE + 1002 * 1000).toISOString(),
    });
    expect(await models.sessions.byId('session-9')).toMatchObject({ revokedReason: 'user' });
  });

  it('replays from an older checkpoint (a crash between save and checkpoint) without applying anything twice', async () => {
    for (let n = 1; n <= 12; n++) await lifeOf(log, n);
    const models = inMemory();
    const counts = new InMemoryProjectionStore<StreamCount>();
    const bindings = () => [...bindingsOf(models), bind(countingProjection, counts)];
    const first = readModelsOn(log, bindings(), { batchSize: 10 });
    first.start();
    expect(await first.catchUp(5000)).toBe(true);
    await first.stop();

    // The documents are ahead of the checkpoints, as after a crash right after `save`; then more
    // events arrive for the same documents, so replayed and new events share batches.
    for (const store of [models.users, models.sessions, models.attempts, counts])
      await store.saveCheckpoint(5);
    await put(
      log,
      'user-user-3',
      { type: 'UserProfileUpdated', data: { userId: 'user-3', fullName: 'Late', username: 'late' } },
      5000,
    );
    await put(
      log,
      'session-session-4',
      { type: 'LoggedOut', data: { sessionId: 'session-4', userId: 'user-4', reason: 'admin' } },
      5001,
    );

    const second = track(readModelsOn(log, bindings(), { batchSize: 1000 }));
    second.start();
    expect(await second.catchUp(5000)).toBe(true);
    expect(await snapshot(models, log)).toEqual(await rebuiltFresh(log));
    for (const streamId of ['user-user-3', 'session-session-4', 'user-user-12']) {
      const loaded = await counts.load([streamId]);
      expect({ streamId, count: loaded.get(streamId)?.doc.count }).toEqual({
        streamId,
        count: (await log.readStream(streamId)).length,
      });
    }
  });

  it('retries a failed save or checkpoint with backoff, never skipping an event', async () => {
    const logger = new RecordingLogger();
    const models = inMemory();
    const users = new Flaky(models.users);
    const attempts = new Flaky(models.attempts);
    users.failSaves = 3;
    attempts.failCheckpoints = 2;
    const runner = track(
      readModelsOn(
        log,
        [
          bind(usersProjection, users),
          bind(sessionsProjection, models.sessions),
          bind(loginAttemptsProjection, attempts),
        ],
        { batchSize: 9, pollIntervalMs: 10, retryDelayMs: 5, maxRetryDelayMs: 20, logger },
      ),
    );
    runner.start();
    let head = 0;
    for (let n = 1; n <= 10; n++) head = await lifeOf(log, n);
    expect(await runner.waitFor(head, 5000)).toBe(true);
    expect(logger.errors.length).toBe(5);
    expect(await snapshot(models, log)).toEqual(await rebuiltFresh(log));
  });

  it('wakes at once on an append in this process, without waiting for the next poll', async () => {
    const models = inMemory();
    const runner = track(readModelsOn(log, bindingsOf(models), { pollIntervalMs: 60_000 }));
    runner.start();
    await sleep(50); // now idle in a one-minute pause
    const position = await put(log, 'user-user-1', registration(1), 0);
    await vi.waitFor(
      () => expect(runner.positions().map((p) => p.checkpoint)).toEqual([position, position, position]),
      {
        timeout: 1000,
      },
    );
    expect(await models.users.byId('user-1')).toMatchObject({ email: 'user1@example.com', seq: position });
  });

  it('waitFor resolves true once the position is applied, also one appended by another process', async () => {
    const models = inMemory();
    const runner = track(readModelsOn(log, bindingsOf(models), { pollIntervalMs: 60_000 }));
    runner.start();
    await sleep(50);
    const other = new SqliteEventStore({ file: join(dir, 'events.sqlite') });
    try {
      // No wake-up reaches this process; waitFor itself makes the runner look now.
      const position = await lifeOf(other, 1);
      const started = Date.now();
      expect(await runner.waitFor(position, 2000)).toBe(true);
      expect(Date.now() - started).toBeLessThan(1000);
      expect(
        (await models.attempts.query({ identifier: 'ghost1' }, { limit: 5 })).items.map((a) => a.id),
      ).toEqual(['ghost-1']);
      expect(await runner.waitFor(position, 10)).toBe(true);
    } finally {
      await other.close();
    }
  });

  it('waitFor resolves false on timeout for a position that never comes', async () => {
    const runner = track(readModelsOn(log, bindingsOf(inMemory()), { pollIntervalMs: 10 }));
    runner.start();
    const position = await lifeOf(log, 1);
    const started = Date.now();
    expect(await runner.waitFor(position + 100, 150)).toBe(false);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(await runner.waitFor(position, 2000)).toBe(true);
  });

  it('rebuilds chosen read models from 0 in batches, reporting progress, while the others keep going', async () => {
    for (let n = 1; n <= 5; n++) await lifeOf(log, n);
    const head = await log.headPosition();
    const models = inMemory();
    const runner = track(readModelsOn(log, bindingsOf(models), { batchSize: 10, pollIntervalMs: 10 }));
    runner.start();
    expect(await runner.waitFor(head, 5000)).toBe(true);
    const before = await snapshot(models, log);
    // Stale data a rebuild must clear: a tampered document, and one that no event explains.
    const user1 = await models.users.byId('user-1');
    expect(user1).not.toBeNull();
    if (user1 !== null) {
      await models.users.save([
        { id: 'user-1', doc: { ...user1, email: 'tampered@example.com' }, position: 9999 },
      ]);
    }
    const stray = {
      id: 'stray',
      occurredAt: '2026-04-01T00:00:00.000Z',
      outcome: 'locked' as const,
      userId: null,
      identifier: 'stray',
      ip: null,
      userAgent: null,
      sessionId: null,
      count: 1,
      secondFactor: null,
      seq: 9999,
    };
    await models.attempts.save([{ id: 'stray', doc: stray, position: 9999 }]);
    expect((await models.attempts.query({ identifier: 'stray' }, { limit: 1 })).items).toEqual([stray]);

    const progress: [number, number][] = [];
    const count = await runner.rebuild(['users', 'login-attempts'], (done, total) =>
      progress.push([done, total]),
    );
    expect(count).toBe(head);
    const expectedProgress: [number, number][] = [];
    for (let done = 10; done < head; done += 10) expectedProgress.push([done, head]);
    expectedProgress.push([head, head]);
    expect(progress).toEqual(expectedProgress);
    expect(await snapshot(models, log)).toEqual(before);

    // A rebuild with appends racing it: the rebuilt models rejoin and catch up.
    const rebuilding = runner.rebuild();
    let last = 0;
    for (let n = 6; n <= 9; n++) last = await lifeOf(log, n);
    expect(await rebuilding).toBeGreaterThanOrEqual(head);
    expect(await runner.waitFor(last, 5000)).toBe(true);
    expect(await snapshot(models, log)).toEqual(await rebuiltFresh(log));
    await expect(runner.rebuild(['nope'])).rejects.toThrow('No read model is named nope.');
  });

  it('stop() finishes the current batch and leaves the checkpoints saved', async () => {
    for (let n = 1; n <= 6; n++) await lifeOf(log, n);
    const head = await log.headPosition();
    const models = inMemory();
    const runner = readModelsOn(log, bindingsOf(models), { batchSize: 4 });
    runner.start();
    expect(await runner.waitFor(head, 5000)).toBe(true);
    await runner.stop();
    expect(await models.users.checkpoint()).toBe(head);
    expect(await models.attempts.checkpoint()).toBe(head);
    // Stopped: a new append is not picked up.
    const position = await lifeOf(log, 7);
    expect(await runner.waitFor(position, 100)).toBe(false);
  });
});

// --- the runner over MongoDB ------------------------------------------------------------------------

describe(`The log follower feeding read models over MongoEventStore with MongoDB read models (${mongoServerLabel()})`, () => {
  it('projects the same documents as the in-memory read models do', async () => {
    const database = await useTestDatabase('runner');
    try {
      const log = await MongoEventStore.create(database.db);
      const mongo = {
        users: new MongoUserReadModel(database.db),
        sessions: new MongoSessionReadModel(database.db),
        attempts: new MongoLoginAttemptReadModel(database.db),
      };
      for (const model of Object.values(mongo)) await model.init();
      const runner = readModelsOn(log, bindingsOf(mongo), { batchSize: 25, pollIntervalMs: 20 });
      runner.start();
      try {
        await Promise.all([
          (async () => {
            for (let n = 1; n <= 6; n++) await lifeOf(log, n);
          })(),
          (async () => {
            for (let n = 7; n <= 12; n++) await lifeOf(log, n);
          })(),
        ]);
        expect(await runner.catchUp(10_000)).toBe(true);
      } finally {
        await runner.stop();
      }
      const projected = await snapshot(mongo, log);
      expect(projected.users).toHaveLength(12);
      expect(projected).toEqual(await rebuiltFresh(log));

      // A crash replay on MongoDB: older checkpoints, same documents.
      for (const model of [mongo.users, mongo.sessions, mongo.attempts]) await model.saveCheckpoint(3);
      const again = readModelsOn(log, bindingsOf(mongo), { batchSize: 25 });
      again.start();
      expect(await again.catchUp(10_000)).toBe(true);
      await again.stop();
      expect(await snapshot(mongo, log)).toEqual(projected);
    } finally {
      await database.drop();
    }
  });
});
