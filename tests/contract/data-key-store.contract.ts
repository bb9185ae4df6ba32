import { afterAll, describe, expect, it } from 'vitest';
import type { DataKeyStore } from '../../src/application/ports/data-key-store.port.js';

export interface DataKeyStoreSubject {
  readonly store: DataKeyStore;
  /** Another instance over the same storage (its own connection or handle). */
  readonly other: DataKeyStore;
  cleanup(): Promise<void>;
}

const T0 = new Date('2026-03-01T10:00:00.000Z');
const T1 = new Date('2026-03-01T11:00:00.000Z');

export function describeDataKeyStoreContract(
  label: string,
  create: () => Promise<DataKeyStoreSubject>,
): void {
  describe(`${label}: DataKeyStore contract`, () => {
    const subjects: DataKeyStoreSubject[] = [];
    const fresh = async (): Promise<DataKeyStoreSubject> => {
      const subject = await create();
      subjects.push(subject);
      return subject;
    };
    afterAll(async () => {
      for (const subject of subjects) {
        await subject.store.close();
        await subject.other.close();
        await subject.cleanup();
      }
    });

    it('answers null for a key never stored, and the stored key once created', async () => {
      const { store, other } = await fresh();
      expect(await store.get('user:a')).toBeNull();
      expect(await store.createIfAbsent('user:a', 'wrapped-a', T0)).toEqual({
        keyId: 'user:a',
        wrapped: 'wrapped-a',
        createdAt: T0,
        destroyedAt: null,
      });
      expect(await other.get('user:a')).toEqual({
        keyId: 'user:a',
        wrapped: 'wrapped-a',
        createdAt: T0,
        destroyedAt: null,
      });
    });

    it('keeps the first key when two instances create one id at once', async () => {
      const { store, other } = await fresh();
      const created = await Promise.all([
        store.createIfAbsent('user:b', 'first', T0),
        other.createIfAbsent('user:b', 'second', T0),
        store.createIfAbsent('user:b', 'third', T0),
      ]);
      const winner = created[0]?.wrapped;
      expect(['first', 'second', 'third']).toContain(winner);
      expect(created.map((key) => key.wrapped)).toEqual([winner, winner, winner]);
      expect((await other.get('user:b'))?.wrapped).toBe(winner);
    });

    it('destroys key material for good, idempotently, leaving a tombstone', async () => {
      const { store, other } = await fresh();
      await store.createIfAbsent('user:c', 'wrapped-c', T0);
      await store.createIfAbsent('user:keep', 'wrapped-keep', T0);
      expect(await other.destroy('user:c', T1)).toBe(true);
      expect(await store.destroy('user:c', T1)).toBe(false);
      expect(await store.get('user:c')).toEqual({
        keyId: 'user:c',
        wrapped: null,
        createdAt: T0,
        destroyedAt: T1,
      });
      // A destroyed key is never created again: old ciphertexts stay unreadable.
      expect((await store.createIfAbsent('user:c', 'new-key', T1)).wrapped).toBeNull();
      expect((await store.get('user:keep'))?.wrapped).toBe('wrapped-keep');
    });

    it('leaves a tombstone for an id destroyed before any key existed', async () => {
      const { store, other } = await fresh();
      expect(await store.destroy('period:2026-01-01', T1)).toBe(false);
      expect((await other.createIfAbsent('period:2026-01-01', 'late', T1)).wrapped).toBeNull();
      expect((await other.get('period:2026-01-01'))?.destroyedAt).toEqual(T1);
    });

    it('lists live keys by prefix and live period keys by day, in id order', async () => {
      const { store, other } = await fresh();
      const ids = [
        'user:p1',
        'user:p1:period:2026-02-27',
        'user:p1:period:2026-02-28',
        'user:p1:period:2026-03-01',
        'user:p10:period:2026-02-27',
        'user:p2:period:2026-02-27',
        'period:2026-02-27',
        'period:2026-03-01',
      ];
      for (const id of ids) await store.createIfAbsent(id, `w-${id}`, T0);
      await store.destroy('user:p2:period:2026-02-27', T1);
      expect(await other.liveKeys({ prefix: 'user:p1:period:' })).toEqual([
        'user:p1:period:2026-02-27',
        'user:p1:period:2026-02-28',
        'user:p1:period:2026-03-01',
      ]);
      expect(await other.liveKeys({ periodBefore: '2026-03-01' })).toEqual([
        'period:2026-02-27',
        // Byte order: '0' sorts before ':'.
        'user:p10:period:2026-02-27',
        'user:p1:period:2026-02-27',
        'user:p1:period:2026-02-28',
      ]);
      expect(await other.liveKeys({ periodBefore: '2026-02-27' })).toEqual([]);
      // A prefix is a prefix, not a pattern.
      expect(await other.liveKeys({ prefix: 'user:p%' })).toEqual([]);
      expect(await other.liveKeys({ prefix: 'user:p1:period:2026-03' })).toEqual([
        'user:p1:period:2026-03-01',
      ]);
    });

    it('destroys many keys at once, counting the live ones, tombstoning unknown ids', async () => {
      const { store, other } = await fresh();
      await store.createIfAbsent('period:2026-02-01', 'a', T0);
      await store.createIfAbsent('user:m:period:2026-02-01', 'b', T0);
      await store.createIfAbsent('user:m:period:2026-02-02', 'c', T0);
      await store.destroy('user:m:period:2026-02-01', T0);
      expect(
        await other.destroyMany(['period:2026-02-01', 'user:m:period:2026-02-01', 'user:m:period:never'], T1),
      ).toBe(1);
      expect((await store.get('period:2026-02-01'))?.wrapped).toBeNull();
      expect((await store.get('user:m:period:never'))?.destroyedAt).toEqual(T1);
      expect((await store.get('user:m:period:2026-02-02'))?.wrapped).toBe('c');
      expect(await store.liveKeys({ periodBefore: '2026-03-01' })).toEqual(['user:m:period:2026-02-02']);
      expect(await store.destroyMany([], T1)).toBe(0);
    });
  });
}
