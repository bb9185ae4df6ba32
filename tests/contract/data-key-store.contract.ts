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
  });
}
