import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CommandHandler } from '../../../src/application/command-handler.js';
import type { AuthSettings } from '../../../src/application/ports/auth-settings.port.js';
import type { AppendRequest, StoredEvent } from '../../../src/application/ports/event-store.port.js';
import { ExpirePersonalData } from '../../../src/application/privacy/expire-personal-data.use-case.js';
import { AesGcmSecretBox } from '../../../src/infrastructure/crypto/aes-gcm-secret-box.js';
import { SqliteEventStore } from '../../../src/infrastructure/event-store/sqlite-event-store.js';
import { DataKeyRing } from '../../../src/infrastructure/privacy/data-key-ring.js';
import { PersonalDataEventStore } from '../../../src/infrastructure/privacy/personal-data-event-store.js';
import { SqliteDataKeyStore } from '../../../src/infrastructure/privacy/sqlite-data-key-store.js';

const DAY = 86_400_000;
const RETENTION_DAYS = 30;
const box = new AesGcmSecretBox(Buffer.alloc(32, 9));
const settings = { personalDataRetentionSeconds: RETENTION_DAYS * 86_400 } as AuthSettings;
const client = { ip: '203.0.113.7', userAgent: 'Probe/3' };

const event = (streamId: string, type: string, data: Record<string, unknown>, at: string): AppendRequest => ({
  streamId,
  expectedVersion: 'any',
  events: [{ type, data }],
  metadata: { requestId: `r-${streamId}`, ...client },
  occurredAt: new Date(at),
});
const registered = (userId: string, email: string, at: string): AppendRequest =>
  event(`user-${userId}`, 'UserRegistered', { userId, email, username: null, fullName: 'Ann Example' }, at);
const loggedIn = (userId: string, sessionId: string, at: string): AppendRequest =>
  event(
    `session-${sessionId}`,
    'LoggedIn',
    { sessionId, userId, identifier: `${userId}@example.com`, ...client },
    at,
  );
const failed = (userId: string | null, identifier: string, at: string): AppendRequest =>
  event(
    `refusals-${identifier}-${at}`,
    'LoginFailed',
    { attemptId: at, userId, identifier, outcome: 'x', ...client },
    at,
  );

describe('Retention of attempts (AUDIT_PII_RETENTION) with an injected clock', () => {
  let stored: SqliteEventStore;
  let keys: SqliteDataKeyStore;
  let ring: DataKeyRing;
  let store: PersonalDataEventStore;
  let retention: ExpirePersonalData;
  beforeEach(() => {
    stored = new SqliteEventStore({ file: ':memory:' });
    keys = new SqliteDataKeyStore({ file: ':memory:' });
    ring = new DataKeyRing(keys, box);
    store = new PersonalDataEventStore(stored, ring);
    retention = new ExpirePersonalData(new CommandHandler(store), ring, settings);
  });
  afterEach(async () => {
    await stored.close();
    await keys.close();
  });

  /** The opened events, by stream. */
  const byStream = async (): Promise<Map<string, StoredEvent>> =>
    new Map((await store.readAll(0, 1000)).map((e) => [e.streamId, e]));

  /** Three days of history: an account, and attempts of it and of an unknown identifier. */
  async function history(): Promise<void> {
    await store.append(registered('u1', 'ann@example.com', '2026-03-01T08:00:00.000Z'));
    await store.append(loggedIn('u1', 's1', '2026-03-01T10:00:00.000Z'));
    await store.append(failed(null, 'ghost@example.com', '2026-03-01T23:59:59.999Z'));
    await store.append(failed('u1', 'u1@example.com', '2026-03-02T00:00:00.000Z'));
    await store.append(loggedIn('u1', 's3', '2026-03-03T12:00:00.000Z'));
  }

  it('keeps a day until the whole day is past the limit, then removes exactly its attempts', async () => {
    await history();
    // The last instant of 2026-03-01 is 30 days old only after 2026-03-31T23:59:59.999Z.
    const justBefore = new Date(Date.parse('2026-03-02T00:00:00.000Z') + RETENTION_DAYS * DAY - 1);
    expect(await retention.sweep(justBefore)).toEqual({
      before: '2026-03-01',
      retentionSeconds: RETENTION_DAYS * 86_400,
      periods: [],
      applied: true,
    });
    const due = new Date(justBefore.getTime() + 1);
    const dry = await retention.sweep(due, { dryRun: true });
    expect(dry).toEqual({
      before: '2026-03-02',
      retentionSeconds: RETENTION_DAYS * 86_400,
      periods: [{ period: '2026-03-01', keys: 2 }],
      applied: false,
    });
    // A dry run changes nothing.
    expect((await byStream()).get('session-s1')?.data['ip']).toBe(client.ip);

    const applied = await retention.sweep(due);
    expect(applied).toEqual({ ...dry, applied: true });
    const events = await byStream();
    for (const streamId of ['session-s1', 'refusals-ghost@example.com-2026-03-01T23:59:59.999Z']) {
      const expired = events.get(streamId);
      expect(expired?.data, streamId).toMatchObject({ identifier: null, ip: null, userAgent: null });
      expect(expired?.metadata, streamId).toEqual({ requestId: `r-${streamId}` });
    }
    // Younger attempts, and the account's own data of the same day, stay readable.
    expect(events.get('refusals-u1@example.com-2026-03-02T00:00:00.000Z')?.data).toMatchObject(client);
    expect(events.get('session-s3')?.data).toMatchObject({ identifier: 'u1@example.com', ...client });
    expect(events.get('user-u1')?.data).toMatchObject({ email: 'ann@example.com', fullName: 'Ann Example' });
    // The address and agent of the registration request are kept like an attempt's.
    expect(events.get('user-u1')?.metadata).toEqual({ requestId: 'r-user-u1' });
    // Recorded once, and a second sweep finds nothing left.
    expect(events.get('personal-data-retention-2026-03-01')).toMatchObject({
      type: 'PersonalDataExpired',
      data: { period: '2026-03-01', keys: 2, retentionSeconds: RETENTION_DAYS * 86_400 },
      metadata: { actorId: 'system' },
    });
    expect((await retention.sweep(due)).periods).toEqual([]);
    const sixtyDaysOn = new Date(due.getTime() + 2 * DAY);
    expect((await retention.sweep(sixtyDaysOn)).periods).toEqual([
      { period: '2026-03-02', keys: 1 },
      { period: '2026-03-03', keys: 1 },
    ]);
    expect((await byStream()).get('session-s3')?.data).toMatchObject({ ip: null, userAgent: null });
  });

  it('seals a known user’s attempts under a key of the user and the day, apart from the account', async () => {
    await history();
    const raw = new Map((await stored.readAll(0, 100)).map((e) => [e.streamId, e]));
    expect(raw.get('user-u1')?.data['personal']).toMatchObject({ key: 'user:u1' });
    expect(raw.get('session-s1')?.data['personal']).toMatchObject({ key: 'user:u1:period:2026-03-01' });
    expect(raw.get('session-s1')?.metadata['personal']).toMatchObject({ key: 'user:u1:period:2026-03-01' });
    expect(raw.get('refusals-ghost@example.com-2026-03-01T23:59:59.999Z')?.data['personal']).toMatchObject({
      key: 'period:2026-03-01',
    });
  });

  it('seals the address of any request about a user (a refresh) under that user’s key of the day', async () => {
    await history();
    await store.append(
      event('session-s1', 'TokenRefreshed', { sessionId: 's1', userId: 'u1' }, '2026-03-02T10:00:00.000Z'),
    );
    const refreshed = (await stored.readStream('session-s1')).at(-1);
    expect(refreshed?.metadata['personal']).toMatchObject({ key: 'user:u1:period:2026-03-02' });
    expect((await store.readStream('session-s1')).at(-1)?.metadata).toMatchObject(client);
    await ring.destroyUserKey('u1', new Date('2026-03-04T00:00:00.000Z'));
    expect((await store.readStream('session-s1')).at(-1)?.metadata).toEqual({ requestId: 'r-session-s1' });
  });

  it('erasure destroys the user’s keys of every day, and no new one is made for them afterwards', async () => {
    await history();
    await ring.destroyUserKey('u1', new Date('2026-03-04T00:00:00.000Z'));
    const events = await byStream();
    for (const streamId of ['session-s1', 'session-s3', 'refusals-u1@example.com-2026-03-02T00:00:00.000Z'])
      expect(events.get(streamId)?.data, streamId).toMatchObject({ identifier: null, ip: null });
    // The unknown identifier's attempt is not the user's: it stays until its day expires.
    expect(events.get('refusals-ghost@example.com-2026-03-01T23:59:59.999Z')?.data['identifier']).toBe(
      'ghost@example.com',
    );
    // A later attempt naming the erased user (a stale token, say) stores nothing personal.
    const otherInstance = new PersonalDataEventStore(stored, new DataKeyRing(keys, box));
    await otherInstance.append(loggedIn('u1', 's9', '2026-03-05T09:00:00.000Z'));
    const late = (await stored.readStream('session-s9'))[0];
    expect(late?.data['personal']).toBeUndefined();
    expect(JSON.stringify(late)).not.toContain(client.ip);
    expect(await keys.get('user:u1:period:2026-03-05')).toBeNull();
  });

  it('expires an attempt sealed by the version before retention (under the user key) with its day', async () => {
    await history();
    // As that version stored it: the fields sealed under the user's own key.
    const userBox = await ring.forWriting('user:u1', new Date('2026-03-01T09:00:00.000Z'));
    const streamId = 'refusals-legacy';
    const sealed = userBox?.seal(
      Buffer.from(JSON.stringify({ identifier: 'legacy@example.com', ip: client.ip }), 'utf8'),
      `personal:v1:user:u1:${streamId}:LoginFailed`,
    );
    await stored.append({
      ...failed('u1', 'x', '2026-03-01T09:00:00.000Z'),
      streamId,
      events: [
        {
          type: 'LoginFailed',
          data: {
            attemptId: 'legacy',
            userId: 'u1',
            identifier: null,
            ip: null,
            outcome: 'x',
            personal: { key: 'user:u1', sealed },
          },
        },
      ],
      metadata: {},
    });
    expect((await byStream()).get(streamId)?.data).toMatchObject({ identifier: 'legacy@example.com' });
    await retention.sweep(new Date('2026-04-01T00:00:00.000Z'));
    const fresh = new PersonalDataEventStore(stored, new DataKeyRing(keys, box));
    const legacy = (await fresh.readStream(streamId))[0];
    expect(legacy?.data).toMatchObject({ identifier: null, ip: null });
    // The account's own data, under the same key, stays.
    expect((await fresh.readStream('user-u1'))[0]?.data['email']).toBe('ann@example.com');
  });
});
