import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CommandHandler } from '../../../src/application/command-handler.js';
import {
  ConcurrencyError,
  type AppendRequest,
  type AppendResult,
  type StoredEvent,
} from '../../../src/application/ports/event-store.port.js';
import { StreamStateCache } from '../../../src/application/stream-state-cache.js';
import { sessionDecider, type SessionCommand } from '../../../src/domain/session/session.decider.js';
import type { Email } from '../../../src/domain/user/email.js';
import { userDecider } from '../../../src/domain/user/user.decider.js';
import { ForwardingEventStore } from '../../../src/infrastructure/event-store/forwarding-event-store.js';
import { SqliteEventStore } from '../../../src/infrastructure/event-store/sqlite-event-store.js';

const now = new Date('2026-01-15T00:00:00Z');
const options = { metadata: { requestId: 'r-1' }, now };
const stream = 'session-s-1';

/** A store that records reads and appends, and can let "another writer" append first. */
class Recording extends ForwardingEventStore {
  readonly reads: { streamId: string; fromVersion: number }[] = [];
  appends = 0;
  beforeAppend: (() => Promise<void>) | null = null;

  override async append(request: AppendRequest): Promise<AppendResult> {
    this.appends++;
    const interfere = this.beforeAppend;
    this.beforeAppend = null;
    if (interfere !== null) await interfere();
    return this.inner.append(request);
  }
  override readStream(streamId: string, fromVersion = 1): Promise<StoredEvent[]> {
    this.reads.push({ streamId, fromVersion });
    return this.inner.readStream(streamId, fromVersion);
  }

  /** The wrapped store's stream, read without recording the read. */
  unrecorded(streamId: string): Promise<StoredEvent[]> {
    return this.inner.readStream(streamId);
  }
}

const start: SessionCommand = {
  type: 'StartSession',
  sessionId: 's-1',
  userId: 'u-1',
  identifier: 'a@example.com',
  refreshTokenDigest: 'd1',
  expiresAt: '2026-02-01T00:00:00.000Z',
  ip: null,
  userAgent: null,
};
const refresh = (presentedDigest: string, newDigest: string): SessionCommand => ({
  type: 'RefreshSession',
  presentedDigest,
  newDigest,
  expiresAt: new Date('2026-02-01T00:00:00Z'),
  reuseGraceMs: 0,
  maxLifetimeMs: 365 * 86_400_000,
  now,
});

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** Two instances (own store connection, own cache) over one SQLite file. */
async function twoInstances(): Promise<{
  a: Recording;
  b: Recording;
  first: CommandHandler;
  second: CommandHandler;
}> {
  const dir = await mkdtemp(join(tmpdir(), 'command-handler-'));
  const a = new Recording(new SqliteEventStore({ file: join(dir, 'events.db') }));
  const b = new Recording(new SqliteEventStore({ file: join(dir, 'events.db') }));
  cleanups.push(async () => {
    await a.close();
    await b.close();
    await rm(dir, { recursive: true, force: true });
  });
  return { a, b, first: new CommandHandler(a), second: new CommandHandler(b) };
}

describe('handleCommand: the one write path', () => {
  it('appends several commands in one commit, each decided on the state the previous one left', async () => {
    const store = new Recording(new SqliteEventStore({ file: ':memory:' }));
    const handler = new CommandHandler(store);
    const register = {
      type: 'RegisterUser' as const,
      userId: 'u-1',
      email: 'a@example.com' as Email,
      username: null,
      fullName: null,
      passwordHash: 'h',
      role: 'user' as const,
    };
    const handled = await handler.handle(
      'user-u-1',
      userDecider,
      [register, { type: 'ChangeEmail', email: 'b@example.com' as Email }],
      options,
    );
    expect(store.appends).toBe(1);
    expect(handled.version).toBe(2);
    expect(handled.state).toMatchObject({ status: 'active', email: 'b@example.com' });
    const events = await store.unrecorded('user-u-1');
    expect(events.map((e) => [e.type, e.streamVersion, e.metadata.requestId])).toEqual([
      ['UserRegistered', 1, 'r-1'],
      ['UserEmailChanged', 2, 'r-1'],
    ]);
    expect(events[1]?.data).toMatchObject({ previousEmail: 'a@example.com', email: 'b@example.com' });
  });

  it('answers the decision as a typed outcome: a superseded refresh token says "reused"', async () => {
    const handler = new CommandHandler(new SqliteEventStore({ file: ':memory:' }));
    await handler.handle(stream, sessionDecider, start, options);
    const rotated = await handler.handle(stream, sessionDecider, refresh('d1', 'd2'), options);
    expect(rotated.outcome).toBe('rotated');
    const reused = await handler.handle(stream, sessionDecider, refresh('d1', 'd3'), options);
    expect(reused.outcome).toBe('reused');
    expect(reused.events.map((e) => e.type)).toEqual(['RefreshTokenReuseDetected', 'LoggedOut']);
    expect(reused.state).toMatchObject({ status: 'revoked', revokedReason: 'reuse' });
  });

  it('runs the lookup again on the fresh state after a concurrent writer won', async () => {
    const { a, b, first, second } = await twoInstances();
    await first.handle(stream, sessionDecider, start, options);
    const seen: number[] = [];
    a.beforeAppend = async () => {
      await second.handle(stream, sessionDecider, refresh('d1', 'd2'), options);
    };
    const handled = await first.handle(
      stream,
      sessionDecider,
      async (state, version): Promise<SessionCommand> => {
        seen.push(version);
        await Promise.resolve();
        return { type: 'EndSession', reason: state.status === 'active' ? 'user' : 'reuse' };
      },
      options,
    );
    expect(seen).toEqual([1, 2]);
    expect(a.appends).toBe(3); // start, the refused one, the retry
    expect(handled.version).toBe(3);
    expect((await b.readStream(stream)).map((e) => e.type)).toEqual([
      'LoggedIn',
      'TokenRefreshed',
      'LoggedOut',
    ]);
  });

  it('gives up with ConcurrencyError after the retries it was allowed', async () => {
    const { a, first, second } = await twoInstances();
    await first.handle(stream, sessionDecider, start, options);
    let digest = 1;
    const interfere = async (): Promise<void> => {
      await second.handle(stream, sessionDecider, refresh(`d${digest}`, `d${digest + 1}`), options);
      digest++;
      a.beforeAppend = interfere;
    };
    a.beforeAppend = interfere;
    const attempt = first.handle(
      stream,
      sessionDecider,
      { type: 'EndSession', reason: 'user' },
      { ...options, retries: 2 },
    );
    await expect(attempt).rejects.toBeInstanceOf(ConcurrencyError);
    expect(a.appends).toBe(1 + 3);
  });
});

describe('stream-state cache (issue 15)', () => {
  it('reads only the events after the cached version', async () => {
    const store = new Recording(new SqliteEventStore({ file: ':memory:' }));
    const handler = new CommandHandler(store);
    await handler.handle(stream, sessionDecider, start, options);
    for (let i = 1; i <= 5; i++)
      await handler.handle(stream, sessionDecider, refresh(`d${i}`, `d${i + 1}`), options);
    // Every refresh caught up from the version its own append left: nothing after it to read.
    expect(store.reads.map((r) => r.fromVersion)).toEqual([1, 2, 3, 4, 5, 6]);
    const { version, state } = await handler.load(stream, sessionDecider);
    expect(version).toBe(6);
    expect(state).toMatchObject({ currentDigest: 'd6' });
  });

  it('catches a cached stream up with what another instance appended, so a rotated token is still reuse there', async () => {
    const { a, first, second } = await twoInstances();
    await first.handle(stream, sessionDecider, start, options);
    await first.load(stream, sessionDecider); // cached at version 1, current digest d1
    await second.handle(stream, sessionDecider, refresh('d1', 'd2'), options);

    a.reads.length = 0;
    const replay = await first.handle(stream, sessionDecider, refresh('d1', 'stolen'), options);
    expect(a.reads).toEqual([{ streamId: stream, fromVersion: 2 }]);
    expect(replay.outcome).toBe('reused');
    expect(replay.state).toMatchObject({ status: 'revoked' });
  });

  it('drops the cached state on a conflict and decides again from a fresh read', async () => {
    const { a, first, second } = await twoInstances();
    await first.handle(stream, sessionDecider, start, options);
    a.beforeAppend = async () => {
      await second.handle(stream, sessionDecider, refresh('d1', 'd2'), options);
    };
    let cachedDuringRetry: number | undefined = -1;
    const handled = await first.handle(
      stream,
      sessionDecider,
      (_state, version): SessionCommand => {
        if (version === 2) cachedDuringRetry = first.cache.get(stream, sessionDecider)?.version;
        return { type: 'EndSession', reason: 'user' };
      },
      options,
    );
    // The retry read the whole stream again (the entry was gone) and cached what it read.
    expect(a.reads.at(-1)).toEqual({ streamId: stream, fromVersion: 1 });
    expect(cachedDuringRetry).toBe(2);
    expect(handled.version).toBe(3);
    expect(first.cache.get(stream, sessionDecider)?.version).toBe(3);
  });

  it('never hands out one decider’s fold to another and stays bounded', () => {
    const cache = new StreamStateCache(2);
    cache.set('x', sessionDecider, { state: { status: 'none' }, version: 0 });
    expect(cache.get('x', userDecider)).toBeUndefined();
    cache.set('y', sessionDecider, { state: { status: 'none' }, version: 0 });
    cache.set('z', sessionDecider, { state: { status: 'none' }, version: 0 });
    expect(cache.size).toBe(2);
    expect(cache.get('x', sessionDecider)).toBeUndefined();
  });
});
