import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppendRequest, StoredEvent } from '../../../src/application/ports/event-store.port.js';
import { AesGcmSecretBox } from '../../../src/infrastructure/crypto/aes-gcm-secret-box.js';
import { SqliteEventStore } from '../../../src/infrastructure/event-store/sqlite-event-store.js';
import { DataKeyRing } from '../../../src/infrastructure/privacy/data-key-ring.js';
import { PersonalDataEventStore } from '../../../src/infrastructure/privacy/personal-data-event-store.js';
import { SqliteDataKeyStore } from '../../../src/infrastructure/privacy/sqlite-data-key-store.js';

const AT = new Date('2026-03-01T10:00:00.000Z');
const box = new AesGcmSecretBox(Buffer.alloc(32, 7));

const registered = (userId: string, email: string): AppendRequest => ({
  streamId: `user-${userId}`,
  expectedVersion: 'any',
  events: [
    {
      type: 'UserRegistered',
      data: { userId, email, username: `${userId}-name`, fullName: null, passwordHash: 'h', role: 'user' },
    },
  ],
  metadata: { requestId: 'r1', ip: '203.0.113.9', userAgent: 'Agent/1', actorId: userId },
  occurredAt: AT,
});

const erased = (userId: string): AppendRequest => ({
  streamId: `user-${userId}`,
  expectedVersion: 'any',
  events: [{ type: 'UserErased', data: { userId, actorId: userId, reason: 'user-request' } }],
  metadata: {},
  occurredAt: AT,
});

describe('PersonalDataEventStore', () => {
  let stored: SqliteEventStore;
  let keys: SqliteDataKeyStore;
  let ring: DataKeyRing;
  let store: PersonalDataEventStore;
  beforeEach(() => {
    stored = new SqliteEventStore({ file: ':memory:' });
    keys = new SqliteDataKeyStore({ file: ':memory:' });
    ring = new DataKeyRing(keys, box);
    store = new PersonalDataEventStore(stored, ring);
  });
  afterEach(async () => {
    await stored.close();
    await keys.close();
  });

  const rawAll = (): Promise<StoredEvent[]> => stored.readAll(0, 100);

  it('stores personal fields and metadata sealed under the subject key, and reads them opened', async () => {
    await store.append(registered('u1', 'ann@example.com'));
    const [raw] = await rawAll();
    expect(raw?.data).toMatchObject({
      userId: 'u1',
      email: null,
      username: null,
      fullName: null,
      role: 'user',
    });
    expect(raw?.data['personal']).toMatchObject({ key: 'user:u1' });
    expect(raw?.metadata).toMatchObject({ requestId: 'r1', actorId: 'u1' });
    expect(Object.keys(raw?.metadata ?? {}).sort()).toEqual(['actorId', 'personal', 'requestId']);
    expect(JSON.stringify(raw)).not.toMatch(/ann@example|203\.0\.113|Agent\/1|u1-name/);
    const [read] = await store.readStream('user-u1');
    expect(read?.data).toEqual({
      userId: 'u1',
      email: 'ann@example.com',
      username: 'u1-name',
      fullName: null,
      passwordHash: 'h',
      role: 'user',
    });
    expect(read?.metadata).toEqual({
      requestId: 'r1',
      ip: '203.0.113.9',
      userAgent: 'Agent/1',
      actorId: 'u1',
    });
  });

  it('seals what concerns no known user under the key of its day', async () => {
    await store.append({
      streamId: 'login-refusals-x',
      expectedVersion: 'any',
      events: [
        {
          type: 'LoginFailed',
          data: {
            attemptId: 'a1',
            identifier: 'nobody@example.com',
            userId: null,
            outcome: 'unknown_user',
            ip: null,
            userAgent: null,
          },
        },
      ],
      metadata: {},
      occurredAt: AT,
    });
    const [raw] = await rawAll();
    expect(raw?.data['personal']).toMatchObject({ key: 'period:2026-03-01' });
    expect((await store.readAll(0, 10))[0]?.data['identifier']).toBe('nobody@example.com');
  });

  it('reads a destroyed key as null, for that subject only, without changing a stored byte', async () => {
    await store.append(registered('u1', 'ann@example.com'));
    await store.append(registered('u2', 'bob@example.com'));
    const before = JSON.stringify(await rawAll());
    await ring.destroyUserKey('u1', AT);
    expect(JSON.stringify(await rawAll())).toBe(before);
    const [ann] = await store.readStream('user-u1');
    expect(ann?.data).toMatchObject({ email: null, username: null });
    expect(ann?.metadata).toEqual({ requestId: 'r1', actorId: 'u1' });
    // Another instance, with a key ring of its own, finds the tombstone.
    const other = new PersonalDataEventStore(stored, new DataKeyRing(keys, box));
    expect((await other.readStream('user-u1'))[0]?.data['email']).toBeNull();
    expect((await other.readStream('user-u2'))[0]?.data['email']).toBe('bob@example.com');
    // Written after the destroy: nothing to seal it with, so nothing personal is stored.
    await store.append(registered('u1', 'again@example.com'));
    expect(JSON.stringify(await rawAll())).not.toContain('again@example.com');
  });

  it('does not open a sealed value copied into another stream', async () => {
    await store.append(registered('u1', 'ann@example.com'));
    const [raw] = await rawAll();
    await stored.append({
      streamId: 'user-u9',
      expectedVersion: 'any',
      events: [{ type: 'UserRegistered', data: { ...raw?.data, userId: 'u1' } }],
      metadata: {},
      occurredAt: AT,
    });
    expect((await store.readStream('user-u9'))[0]?.data['email']).toBeNull();
  });

  it('reads events stored before sealing existed as they are', async () => {
    await stored.append({ ...registered('old', 'plain@example.com') });
    expect((await store.readStream('user-old'))[0]?.data['email']).toBe('plain@example.com');
  });

  it('forgets a cached key when it reads UserErased, so another instance erases everywhere', async () => {
    const otherRing = new DataKeyRing(keys, box);
    const other = new PersonalDataEventStore(stored, otherRing);
    await store.append(registered('u1', 'ann@example.com'));
    expect((await other.readStream('user-u1'))[0]?.data['email']).toBe('ann@example.com');
    await ring.destroyUserKey('u1', AT);
    await store.append(erased('u1'));
    // `other` still holds the key in memory until it reads the erasure, as its follower does.
    await other.readAll(0, 100);
    expect((await other.readStream('user-u1'))[0]?.data['email']).toBeNull();
  });

  it('treats the keys of an erasure or an expiry it read of as destroyed, before the store has', async () => {
    const other = new PersonalDataEventStore(stored, new DataKeyRing(keys, box));
    await store.append(registered('u1', 'ann@example.com'));
    await store.append(registered('u2', 'bob@example.com'));
    // The records are in the log; the keys are still live in the key store (the eraser and the
    // sweeper destroy them right after).
    await store.append(erased('u1'));
    await store.append({
      streamId: 'personal-data-retention-2026-03-01',
      expectedVersion: 'no_stream',
      events: [
        { type: 'PersonalDataExpired', data: { period: '2026-03-01', keys: 1, retentionSeconds: 86_400 } },
      ],
      metadata: {},
      occurredAt: AT,
    });
    expect((await keys.get('user:u1'))?.wrapped).not.toBeNull();
    await other.readAll(0, 100);
    expect((await other.readStream('user-u1'))[0]?.data['email']).toBeNull();
    expect((await other.readStream('user-u2'))[0]?.data['email']).toBe('bob@example.com');
    // The registration's request address was sealed under u2's key of that day: expired too.
    expect((await other.readStream('user-u2'))[0]?.metadata).toEqual({ requestId: 'r1', actorId: 'u2' });
  });
});
