/**
 * The behaviour every EventStore adapter must have (src/application/ports/event-store.port.ts).
 * Run by one spec per adapter. `other` opens a second, independent store on the same storage, as
 * another service instance (or the operator CLI) would.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ConcurrencyError,
  type AppendRequest,
  type EventMetadata,
  type EventStore,
  type ExpectedVersion,
  type NewEvent,
  type StoredEvent,
} from '../../src/application/ports/event-store.port.js';

export interface EventStoreUnderTest {
  readonly store: EventStore;
  /** A second independent store on the same storage, simulating another instance. */
  readonly other?: () => Promise<EventStore>;
  readonly cleanup: () => Promise<void>;
}

const METADATA: EventMetadata = {
  requestId: 'req-1',
  ip: '203.0.113.7',
  userAgent: 'contract-test/1.0',
  actorId: 'admin-1',
};
const OCCURRED_AT = new Date('2025-03-04T05:06:07.089Z');
/** FerretDB answers every non-_id query with a full scan; on a busy CI machine 200 appends take a while. */
const SLOW_TEST_TIMEOUT_MS = 90_000;

function event(type: string, data: Record<string, unknown> = {}, version?: number): NewEvent {
  return version === undefined ? { type, data } : { type, data, version };
}

function request(
  streamId: string,
  expectedVersion: ExpectedVersion,
  events: readonly NewEvent[],
  extra: Partial<AppendRequest> = {},
): AppendRequest {
  return { streamId, expectedVersion, events, metadata: METADATA, occurredAt: OCCURRED_AT, ...extra };
}

/** Awaits the append and returns the ConcurrencyError it must fail with. */
async function expectConflict(append: Promise<unknown>): Promise<ConcurrencyError> {
  const error = await append.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(ConcurrencyError);
  return error as ConcurrencyError;
}

function positions(events: readonly StoredEvent[]): number[] {
  return events.map((stored) => stored.position);
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, index) => from + index);
}

export function describeEventStoreContract(name: string, make: () => Promise<EventStoreUnderTest>): void {
  describe(`EventStore contract: ${name}`, () => {
    let subject: EventStoreUnderTest;
    let store: EventStore;
    let opened: EventStore[];

    /** The second instance, or the same store when the adapter cannot open one. */
    async function otherStore(): Promise<EventStore> {
      if (subject.other === undefined) return store;
      const second = await subject.other();
      opened.push(second);
      return second;
    }

    beforeEach(async () => {
      subject = await make();
      store = subject.store;
      opened = [];
    });

    afterEach(async () => {
      for (const each of opened) await each.close();
      await store.close();
      await subject.cleanup();
    });

    describe('append and readStream', () => {
      it('round-trips an event with its metadata, time, schema version and nested data', async () => {
        const data = {
          userId: 'u-1',
          email: 'ada@example.com',
          name: 'Ada Lovelace — ünïcødé ✓',
          count: 42,
          negative: -7,
          ratio: 0.1,
          big: 2 ** 40,
          enabled: true,
          disabled: false,
          nothing: null,
          empty: '',
          emptyObject: {},
          emptyArray: [],
          roles: ['user', 'admin'],
          nested: { deep: { deeper: { value: 'x', list: [1, 'two', { three: 3 }, null] } } },
        };
        const result = await store.append(request('user-1', 'no_stream', [event('UserRegistered', data, 2)]));

        expect(result).toEqual({ nextExpectedVersion: 1, position: 1 });
        const [stored, ...rest] = await store.readStream('user-1');
        expect(rest).toEqual([]);
        expect(stored).toEqual({
          type: 'UserRegistered',
          version: 2,
          streamId: 'user-1',
          streamVersion: 1,
          position: 1,
          occurredAt: OCCURRED_AT,
          data,
          metadata: METADATA,
          hash: expect.stringMatching(/^[0-9a-f]{64}$/) as unknown,
          prevHash: '0'.repeat(64),
        });
        expect(stored?.occurredAt).toBeInstanceOf(Date);
        expect(stored?.occurredAt.toISOString()).toBe('2025-03-04T05:06:07.089Z');
      });

      it('defaults the schema version to 1 and drops undefined metadata fields', async () => {
        await store.append(
          request('user-1', 'no_stream', [event('UserRegistered', { a: 1 })], {
            metadata: { requestId: 'r', ip: undefined },
          }),
        );

        const [stored] = await store.readStream('user-1');
        expect(stored?.version).toBe(1);
        expect(stored?.metadata).toEqual({ requestId: 'r' });
      });

      it('stores a multi-event append contiguously, in order, under one stream', async () => {
        const first = await store.append(
          request('session-1', 'no_stream', [
            event('LoggedIn', { n: 1 }),
            event('TokenRefreshed', { n: 2 }),
            event('TokenRefreshed', { n: 3 }),
          ]),
        );
        const between = await store.append(request('user-9', 'no_stream', [event('Other')]));
        const second = await store.append(
          request('session-1', 3, [event('TokenRefreshed', { n: 4 }), event('LoggedOut', { n: 5 })]),
        );

        expect(first).toEqual({ nextExpectedVersion: 3, position: 3 });
        expect(between).toEqual({ nextExpectedVersion: 1, position: 4 });
        expect(second).toEqual({ nextExpectedVersion: 5, position: 6 });
        const stream = await store.readStream('session-1');
        expect(stream.map((e) => [e.type, e.streamVersion, e.position, e.data['n']])).toEqual([
          ['LoggedIn', 1, 1, 1],
          ['TokenRefreshed', 2, 2, 2],
          ['TokenRefreshed', 3, 3, 3],
          ['TokenRefreshed', 4, 5, 4],
          ['LoggedOut', 5, 6, 5],
        ]);
        expect(stream.every((e) => e.streamId === 'session-1')).toBe(true);
      });

      it('stores nothing of a rejected multi-event append and consumes no position', async () => {
        await store.append(request('s', 'no_stream', [event('A')]));

        await expectConflict(store.append(request('s', 'no_stream', [event('B'), event('C')])));

        expect((await store.readStream('s')).map((e) => e.type)).toEqual(['A']);
        expect(await store.headPosition()).toBe(1);
        const next = await store.append(request('t', 'no_stream', [event('D'), event('E')]));
        expect(next).toEqual({ nextExpectedVersion: 2, position: 3 });
        expect(positions(await store.readAll(0, 100))).toEqual([1, 2, 3]);
      });

      it('reads a stream from a version, including from inside a multi-event commit', async () => {
        await store.append(request('s', 'no_stream', [event('E1'), event('E2')]));
        await store.append(request('x', 'no_stream', [event('X1')]));
        await store.append(request('s', 2, [event('E3'), event('E4'), event('E5')]));

        const types = async (from?: number): Promise<string[]> =>
          (await store.readStream('s', from)).map((e) => e.type);
        expect(await types()).toEqual(['E1', 'E2', 'E3', 'E4', 'E5']);
        expect(await types(1)).toEqual(['E1', 'E2', 'E3', 'E4', 'E5']);
        expect(await types(2)).toEqual(['E2', 'E3', 'E4', 'E5']);
        expect(await types(4)).toEqual(['E4', 'E5']);
        expect((await store.readStream('s', 4)).map((e) => [e.streamVersion, e.position])).toEqual([
          [4, 5],
          [5, 6],
        ]);
        expect(await types(6)).toEqual([]);
        expect(await store.readStream('missing')).toEqual([]);
      });
    });

    describe('expected version', () => {
      it("'no_stream' accepts a new stream and rejects an existing one with its version", async () => {
        await store.append(request('s', 'no_stream', [event('A'), event('B')]));

        const error = await expectConflict(store.append(request('s', 'no_stream', [event('C')])));
        expect(error.streamId).toBe('s');
        expect(error.expected).toBe('no_stream');
        expect(error.actual).toBe(2);
      });

      it('treats the number 0 as no stream', async () => {
        const created = await store.append(request('s', 0, [event('A')]));
        expect(created).toEqual({ nextExpectedVersion: 1, position: 1 });

        const error = await expectConflict(store.append(request('s', 0, [event('B')])));
        expect(error.expected).toBe(0);
        expect(error.actual).toBe(1);
      });

      it("'stream_exists' rejects a new stream and accepts an existing one", async () => {
        const error = await expectConflict(store.append(request('s', 'stream_exists', [event('A')])));
        expect(error.actual).toBe(0);
        expect(await store.headPosition()).toBe(0);

        await store.append(request('s', 'no_stream', [event('A')]));
        const result = await store.append(request('s', 'stream_exists', [event('B')]));
        expect(result).toEqual({ nextExpectedVersion: 2, position: 2 });
      });

      it("'any' accepts a new and an existing stream", async () => {
        expect(await store.append(request('s', 'any', [event('A')]))).toEqual({
          nextExpectedVersion: 1,
          position: 1,
        });
        expect(await store.append(request('s', 'any', [event('B'), event('C')]))).toEqual({
          nextExpectedVersion: 3,
          position: 3,
        });
      });

      it('a number must equal the current version exactly', async () => {
        await store.append(request('s', 'no_stream', [event('A'), event('B'), event('C')]));

        // 2 lies inside the first commit: it must not be taken as a commit boundary.
        for (const stale of [1, 2, 4]) {
          const error = await expectConflict(store.append(request('s', stale, [event('X')])));
          expect(error.expected).toBe(stale);
          expect(error.actual).toBe(3);
        }
        const missing = await expectConflict(store.append(request('nope', 1, [event('X')])));
        expect(missing.actual).toBe(0);

        expect(await store.append(request('s', 3, [event('D')]))).toEqual({
          nextExpectedVersion: 4,
          position: 4,
        });
        expect((await store.readStream('s')).map((e) => e.type)).toEqual(['A', 'B', 'C', 'D']);
      });

      it('rejects an append without events', async () => {
        await expect(store.append(request('s', 'any', []))).rejects.toThrow();
        expect(await store.headPosition()).toBe(0);
      });
    });

    describe('idempotent commit ids', () => {
      it('returns the first result for a repeated commit id and writes nothing', async () => {
        const commitId = randomUUID();
        const append = request('s', 'no_stream', [event('A'), event('B')], { commitId });
        const first = await store.append(append);
        await store.append(request('other', 'no_stream', [event('X')]));

        const again = await store.append(append);

        expect(first).toEqual({ nextExpectedVersion: 2, position: 2 });
        expect(again).toEqual(first);
        expect(positions(await store.readAll(0, 100))).toEqual([1, 2, 3]);
        expect((await store.readStream('s')).map((e) => e.type)).toEqual(['A', 'B']);
      });

      it("returns the first result even with 'any' and after the stream moved on", async () => {
        const commitId = randomUUID();
        const first = await store.append(request('s', 'any', [event('A')], { commitId }));
        await store.append(request('s', 1, [event('B')]));

        expect(await store.append(request('s', 'any', [event('A')], { commitId }))).toEqual(first);
        expect(await store.append(request('s', 0, [event('A')], { commitId }))).toEqual(first);
        expect((await store.readStream('s')).map((e) => e.type)).toEqual(['A', 'B']);
      });

      it('recognises a commit id written by another instance', async () => {
        const second = await otherStore();
        const commitId = randomUUID();
        const first = await store.append(request('s', 'no_stream', [event('A')], { commitId }));

        expect(await second.append(request('s', 'no_stream', [event('A')], { commitId }))).toEqual(first);
        expect(await second.headPosition()).toBe(1);
      });
    });

    describe('readAll and headPosition', () => {
      it('pages through all events in position order, cutting through multi-event commits', async () => {
        expect(await store.headPosition()).toBe(0);
        expect(await store.readAll(0, 10)).toEqual([]);
        await store.append(request('a', 'no_stream', [event('A1')]));
        await store.append(request('b', 'no_stream', [event('B1'), event('B2'), event('B3')]));
        await store.append(request('a', 1, [event('A2'), event('A3')]));
        expect(await store.headPosition()).toBe(6);

        const page = async (after: number, limit: number): Promise<string[]> =>
          (await store.readAll(after, limit)).map(
            (e) => `${e.position}:${e.streamId}@${e.streamVersion}:${e.type}`,
          );
        expect(await page(0, 2)).toEqual(['1:a@1:A1', '2:b@1:B1']);
        expect(await page(2, 2)).toEqual(['3:b@2:B2', '4:b@3:B3']);
        expect(await page(3, 1)).toEqual(['4:b@3:B3']);
        expect(await page(4, 10)).toEqual(['5:a@2:A2', '6:a@3:A3']);
        expect(await page(5, 1)).toEqual(['6:a@3:A3']);
        expect(await page(6, 10)).toEqual([]);
        expect(await page(0, 100)).toEqual([
          '1:a@1:A1',
          '2:b@1:B1',
          '3:b@2:B2',
          '4:b@3:B3',
          '5:a@2:A2',
          '6:a@3:A3',
        ]);

        const all = await store.readAll(0, 100);
        expect(all[3]).toEqual({
          type: 'B3',
          version: 1,
          streamId: 'b',
          streamVersion: 3,
          position: 4,
          occurredAt: OCCURRED_AT,
          data: {},
          metadata: METADATA,
          hash: expect.stringMatching(/^[0-9a-f]{64}$/) as unknown,
          prevHash: all[2]?.hash,
        });
      });

      it('sees appends made by another instance', async () => {
        const second = await otherStore();
        await store.append(request('a', 'no_stream', [event('A')]));
        await second.append(request('b', 'no_stream', [event('B1'), event('B2')]));
        await store.append(request('c', 'no_stream', [event('C')]));

        expect(await store.headPosition()).toBe(4);
        expect(await second.headPosition()).toBe(4);
        expect((await second.readAll(0, 10)).map((e) => e.type)).toEqual(['A', 'B1', 'B2', 'C']);
      });
    });

    describe('onAppended', () => {
      it('is called after the commit with the last position, until unsubscribed', async () => {
        const calls: number[] = [];
        const heads: Promise<number>[] = [];
        const unsubscribe = store.onAppended((position) => {
          calls.push(position);
          heads.push(store.headPosition());
        });

        await store.append(request('s', 'no_stream', [event('A'), event('B'), event('C')]));
        expect(calls).toEqual([3]);
        await store.append(request('t', 'no_stream', [event('D')]));
        expect(calls).toEqual([3, 4]);
        // Called after commit: the store already reported the position as committed.
        const [headAtFirst, headAtSecond] = await Promise.all(heads);
        expect(headAtFirst).toBeGreaterThanOrEqual(3);
        expect(headAtSecond).toBe(4);

        unsubscribe();
        await store.append(request('u', 'no_stream', [event('E')]));
        expect(calls).toEqual([3, 4]);
      });

      it('is not called for a rejected append, and a throwing listener does not fail the append', async () => {
        const calls: number[] = [];
        store.onAppended(() => {
          throw new Error('listener failure');
        });
        store.onAppended((position) => calls.push(position));

        expect(await store.append(request('s', 'no_stream', [event('A')]))).toEqual({
          nextExpectedVersion: 1,
          position: 1,
        });
        await expectConflict(store.append(request('s', 'no_stream', [event('B')])));

        expect(calls).toEqual([1]);
        expect(await store.headPosition()).toBe(1);
      });
    });

    describe('concurrency across instances', () => {
      it('20 parallel appends at the same expected version: exactly one wins', async () => {
        const second = await otherStore();
        await store.append(request('session-1', 'no_stream', [event('LoggedIn')]));

        const outcomes = await Promise.allSettled(
          range(1, 20).map((i) =>
            (i % 2 === 0 ? store : second).append(
              request('session-1', 1, [event('TokenRefreshed', { attempt: i }), event('Extra')]),
            ),
          ),
        );

        const winners = outcomes.filter((outcome) => outcome.status === 'fulfilled');
        const losers = outcomes.flatMap((outcome) =>
          outcome.status === 'rejected' ? [outcome.reason as unknown] : [],
        );
        expect(winners.map((winner) => winner.value)).toEqual([{ nextExpectedVersion: 3, position: 3 }]);
        expect(losers).toHaveLength(19);
        for (const loser of losers) {
          expect(loser).toBeInstanceOf(ConcurrencyError);
          expect((loser as ConcurrencyError).actual).toBe(3);
          expect((loser as ConcurrencyError).expected).toBe(1);
        }
        const stream = await store.readStream('session-1');
        expect(stream.map((e) => [e.streamVersion, e.position])).toEqual([
          [1, 1],
          [2, 2],
          [3, 3],
        ]);
        expect(await second.headPosition()).toBe(3);
      });

      it("20 parallel 'no_stream' appends to one new stream: exactly one wins", async () => {
        const second = await otherStore();

        const outcomes = await Promise.allSettled(
          range(1, 20).map((i) =>
            (i % 2 === 0 ? store : second).append(
              request('claim-ada@example.com', 'no_stream', [event('EmailClaimed', { by: i })]),
            ),
          ),
        );

        const winners = outcomes.filter((outcome) => outcome.status === 'fulfilled');
        expect(winners.map((winner) => winner.value)).toEqual([{ nextExpectedVersion: 1, position: 1 }]);
        for (const outcome of outcomes) {
          if (outcome.status === 'rejected') {
            expect(outcome.reason).toBeInstanceOf(ConcurrencyError);
            expect((outcome.reason as ConcurrencyError).actual).toBe(1);
          }
        }
        expect(await store.readStream('claim-ada@example.com')).toHaveLength(1);
      });

      it('50 parallel appends to 50 streams get dense positions 1..N without duplicates', async () => {
        const second = await otherStore();
        const sizes = range(1, 50).map((i) => (i % 3) + 1);
        const total = sizes.reduce((sum, size) => sum + size, 0);

        const results = await Promise.all(
          sizes.map((size, i) =>
            (i % 2 === 0 ? store : second).append(
              request(
                `stream-${i}`,
                'no_stream',
                range(1, size).map((n) => event('E', { stream: i, n })),
              ),
            ),
          ),
        );

        expect(results.map((result) => result.nextExpectedVersion)).toEqual(sizes);
        const all = await store.readAll(0, total + 10);
        expect(positions(all)).toEqual(range(1, total));
        // Each append's result names its last event, and its events are contiguous.
        results.forEach((result, i) => {
          const own = all.filter((e) => e.streamId === `stream-${i}`);
          expect(own.map((e) => e.data['n'])).toEqual(range(1, sizes[i] ?? 0));
          expect(positions(own)).toEqual(range(result.position - own.length + 1, result.position));
        });
        expect(await second.headPosition()).toBe(total);
      });

      it(
        'a polling reader sees every event of concurrent appends exactly once, densely, in order',
        async () => {
          const second = await otherStore();
          const writers = [store, second];
          const workersPerStore = 5;
          const appendsPerWorker = 20; // 2 × 5 × 20 = 200 appends
          const expectedEvents = writers.length * workersPerStore * appendsPerWorker;

          const seen: StoredEvent[] = [];
          let writing = true;
          const reader = (async () => {
            let after = 0;
            const deadline = Date.now() + SLOW_TEST_TIMEOUT_MS - 5_000;
            while (seen.length < expectedEvents && Date.now() < deadline) {
              const batch = await second.readAll(after, 7);
              for (const stored of batch) {
                // Strictly increasing and dense: a skipped position would break this at once.
                expect(stored.position).toBe(after + 1);
                after = stored.position;
                seen.push(stored);
              }
              // Idle briefly when caught up, so the reader does not starve the writers it watches.
              if (batch.length === 0 && writing) await new Promise((resolve) => setTimeout(resolve, 5));
              if (batch.length === 0 && !writing && (await second.headPosition()) === after) break;
            }
          })();

          try {
            await Promise.all(
              writers.flatMap((writer, w) =>
                range(1, workersPerStore).map(async (worker) => {
                  const streamId = `writer-${w}-${worker}`;
                  for (let n = 1; n <= appendsPerWorker; n += 1) {
                    await writer.append(
                      request(streamId, n === 1 ? 'no_stream' : n - 1, [event('Tick', { streamId, n })]),
                    );
                  }
                }),
              ),
            );
          } finally {
            writing = false; // lets the reader finish even when a writer failed
          }
          await reader;

          expect(positions(seen)).toEqual(range(1, expectedEvents));
          const keys = seen.map((e) => `${String(e.data['streamId'])}#${String(e.data['n'])}`);
          expect(new Set(keys).size).toBe(expectedEvents);
          for (const stored of seen) expect(stored.streamVersion).toBe(stored.data['n']);
        },
        SLOW_TEST_TIMEOUT_MS,
      );
    });
  });
}
