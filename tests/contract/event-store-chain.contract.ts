/**
 * The audit hash chain every EventStore adapter writes (issue 13 item 1; API.md "The audit trail
 * leaves the building intact"). Each test fails on a store without the chain (no `hash`).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventStore, NewEvent, StoredEvent } from '../../src/application/ports/event-store.port.js';
import { chainHash, GENESIS_HASH } from '../../src/infrastructure/event-store/hash-chain.js';
import type { EventStoreUnderTest } from './event-store.contract.js';

const OCCURRED_AT = new Date('2025-03-04T05:06:07.089Z');
const METADATA = { requestId: 'req-chain', ip: '198.51.100.4', actorId: 'admin-1' };

function append(
  store: EventStore,
  streamId: string,
  events: NewEvent[],
  expected: 'any' | 'no_stream' = 'any',
) {
  return store.append({
    streamId,
    expectedVersion: expected,
    events,
    metadata: METADATA,
    occurredAt: OCCURRED_AT,
  });
}

async function everything(store: EventStore): Promise<StoredEvent[]> {
  const all: StoredEvent[] = [];
  for (let batch = await store.readAll(0, 50); batch.length > 0;) {
    all.push(...batch);
    batch = await store.readAll(batch.at(-1)?.position ?? 0, 50);
  }
  return all;
}

/** Fails with the first position whose hash is not the chain's; returns the head hash. */
function expectOneValidChain(events: readonly StoredEvent[]): string {
  let previous = GENESIS_HASH;
  events.forEach((event, index) => {
    expect(event.position).toBe(index + 1);
    expect({ position: event.position, prevHash: event.prevHash }).toEqual({
      position: event.position,
      prevHash: previous,
    });
    expect({ position: event.position, hash: event.hash }).toEqual({
      position: event.position,
      hash: chainHash(previous, event),
    });
    previous = event.hash ?? '';
  });
  return previous;
}

export function describeEventStoreChainContract(
  name: string,
  make: () => Promise<EventStoreUnderTest>,
): void {
  describe(`EventStore hash chain (issue 13 item 1): ${name}`, () => {
    let subject: EventStoreUnderTest;
    const opened: EventStore[] = [];

    beforeEach(async () => {
      subject = await make();
    });

    afterEach(async () => {
      for (const store of opened.splice(0)) await store.close();
      await subject.store.close();
      await subject.cleanup();
    });

    it('hashes every event over the previous hash and its RFC 8785 form, from 64 zeros', async () => {
      const { store } = subject;
      await append(store, 'user-1', [{ type: 'UserRegistered', data: { email: 'ada@example.com', n: 1 } }]);
      await append(store, 'user-2', [{ type: 'UserRegistered', data: { z: [1, { b: 2, a: 1 }], a: 'ü' } }]);

      const events = await everything(store);
      expect(events).toHaveLength(2);
      expect(events[0]?.prevHash).toBe(GENESIS_HASH);
      expect(events[0]?.hash).toMatch(/^[0-9a-f]{64}$/);
      expectOneValidChain(events);
    });

    it('chains the events of one multi-event commit in order, and stream reads show the same hashes', async () => {
      const { store } = subject;
      await append(store, 'a', [{ type: 'A1', data: {} }]);
      await append(store, 'b', [
        { type: 'B1', data: { i: 1 } },
        { type: 'B2', data: { i: 2 } },
        { type: 'B3', data: { i: 3 } },
      ]);
      await append(store, 'a', [{ type: 'A2', data: {} }]);

      const events = await everything(store);
      expectOneValidChain(events);
      const stream = await store.readStream('b');
      expect(stream.map((e) => [e.position, e.hash, e.prevHash])).toEqual(
        events.filter((e) => e.streamId === 'b').map((e) => [e.position, e.hash, e.prevHash]),
      );
      // The second event of the commit links to the first, not to the commit's predecessor.
      expect(events[2]?.prevHash).toBe(events[1]?.hash);
    });

    it('changing one stored field changes the hash (the chain covers data and metadata)', async () => {
      const { store } = subject;
      await append(store, 'u', [{ type: 'EmailChanged', data: { email: 'a@example.com' } }]);
      const [event] = await everything(store);
      if (event === undefined) throw new Error('no event');
      expect(chainHash(GENESIS_HASH, { ...event, data: { email: 'b@example.com' } })).not.toBe(event.hash);
      expect(chainHash(GENESIS_HASH, { ...event, metadata: { ...event.metadata, ip: '10.0.0.1' } })).not.toBe(
        event.hash,
      );
    });

    it(
      'two store instances appending concurrently produce one chain without a fork',
      { timeout: 90_000 },
      async () => {
        if (subject.other === undefined) return;
        const second = await subject.other();
        opened.push(second);
        const writers = [subject.store, second];
        const perWriter = 15;
        await Promise.all(
          writers.map(async (store, w) => {
            for (let i = 0; i < perWriter; i += 1) {
              await Promise.all([
                append(store, `w${w}-${i}-x`, [{ type: 'X', data: { w, i } }], 'no_stream'),
                append(store, `shared`, [
                  { type: 'S1', data: { w, i } },
                  { type: 'S2', data: { w, i } },
                ]),
              ]);
            }
          }),
        );

        const events = await everything(subject.store);
        expect(events).toHaveLength(writers.length * perWriter * 3);
        const head = expectOneValidChain(events);
        // Both instances then continue the same chain.
        await append(second, 'after', [{ type: 'After', data: {} }]);
        const [last] = await subject.store.readAll(events.length, 1);
        expect(last?.prevHash).toBe(head);
      },
    );
  });
}
