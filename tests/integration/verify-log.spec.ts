/**
 * Issue 13 items 2 and 3: signed checkpoints and verify-log against a store tampered with raw, on
 * both stores. Each attack test fails on the code before the chain (no hashes, nothing to verify).
 */
import { CommandHandler } from '../../src/application/command-handler.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventStore } from '../../src/application/ports/event-store.port.js';
import {
  AUDIT_CHECKPOINT_SIGNED,
  AUDIT_CHECKPOINT_STREAM,
} from '../../src/domain/audit/audit-checkpoint.events.js';
import { AuditCheckpointer } from '../../src/infrastructure/audit/audit-checkpointer.js';
import { signCheckpoint } from '../../src/infrastructure/audit/checkpoint-jws.js';
import { verifyLog } from '../../src/infrastructure/audit/log-verifier.js';
import { MongoEventStore } from '../../src/infrastructure/event-store/mongo-event-store.js';
import { SqliteEventStore } from '../../src/infrastructure/event-store/sqlite-event-store.js';
import { FileSigningKeyRepository } from '../../src/infrastructure/tokens/file-signing-key-repository.js';
import { SigningKeyRing } from '../../src/infrastructure/tokens/signing-key-ring.js';
import { AesGcmSecretBox } from '../../src/infrastructure/crypto/aes-gcm-secret-box.js';
import { useTestDatabase } from '../support/mongo.js';
import { tamperMongo, tamperSqlite, type Tamper } from '../support/tamper.js';
import { STORES, type StoreKind } from '../support/test-app.js';

const ISSUER = 'https://auth.example.test';

interface Subject {
  readonly store: EventStore;
  readonly second: () => Promise<EventStore>;
  readonly tamper: () => Tamper;
  readonly dir: string;
  readonly cleanup: () => Promise<void>;
}

async function open(kind: StoreKind): Promise<Subject> {
  const dir = await mkdtemp(join(tmpdir(), 'verify-log-'));
  if (kind === 'embedded') {
    const file = join(dir, 'events.sqlite');
    const store = new SqliteEventStore({ file });
    return {
      store,
      second: () => Promise.resolve(new SqliteEventStore({ file })),
      tamper: () => tamperSqlite(file),
      dir,
      cleanup: async () => {
        await store.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  }
  const database = await useTestDatabase('verify');
  return {
    store: await MongoEventStore.create(database.db),
    second: () => MongoEventStore.create(database.client.db(database.dbName)),
    tamper: () => tamperMongo(database.db),
    dir,
    cleanup: async () => {
      await database.drop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

const ring = (dir: string) =>
  SigningKeyRing.open(new FileSigningKeyRepository(dir), {
    algorithm: 'ES256',
    secretBox: new AesGcmSecretBox(new Uint8Array(32).fill(7)),
    retiredKeyGraceSeconds: 60,
    now: () => new Date(),
  });

const appendUserEvent = (store: EventStore, i: number) =>
  store.append({
    streamId: `user-${i}`,
    expectedVersion: 'no_stream',
    events: [{ type: 'UserRegistered', data: { userId: `user-${i}`, email: `u${i}@example.com` } }],
    metadata: { requestId: `r-${i}`, ip: '203.0.113.9' },
    occurredAt: new Date(Date.UTC(2025, 0, 1, 0, 0, i)),
  });

describe.each(STORES)('verify-log on the %s store (issue 13 items 2–3)', (kind) => {
  let subject: Subject;
  let keys: SigningKeyRing;
  let checkpointer: AuditCheckpointer;

  /** Positions 1–6 events, 7 the checkpoint signing position 6, 8–10 events. */
  beforeEach(async () => {
    subject = await open(kind);
    keys = await ring(subject.dir);
    checkpointer = new AuditCheckpointer(new CommandHandler(subject.store), subject.store, keys, {
      issuer: ISSUER,
      intervalMs: 60_000,
      logger: pino({ level: 'silent' }),
      now: () => new Date(),
    });
    for (let i = 1; i <= 6; i += 1) await appendUserEvent(subject.store, i);
    expect(await checkpointer.checkpoint()).toBe('written');
    for (let i = 8; i <= 10; i += 1) await appendUserEvent(subject.store, i);
  });

  afterEach(async () => {
    await subject.cleanup();
  });

  const signedJws = async (): Promise<string> => {
    const [checkpoint] = await subject.store.readStream(AUDIT_CHECKPOINT_STREAM);
    expect(checkpoint?.data).toMatchObject({ position: 6 });
    return String(checkpoint?.data['jws']);
  };

  it('an untouched store verifies, checkpoint signature included', async () => {
    expect(await verifyLog(subject.store, keys)).toMatchObject({
      ok: true,
      events: 10,
      checkpoints: 1,
      head: 10,
    });
    expect(await verifyLog(subject.store, keys, { checkpoint: await signedJws() })).toMatchObject({
      ok: true,
    });
  });

  it('a checkpoint is written only while new events exist, and one instance wins a tie', async () => {
    expect(await checkpointer.checkpoint()).toBe('written');
    expect(await checkpointer.checkpoint()).toBe('up_to_date');
    await appendUserEvent(subject.store, 20);
    const second = await subject.second();
    const other = new AuditCheckpointer(new CommandHandler(second), second, keys, {
      issuer: ISSUER,
      intervalMs: 60_000,
      logger: pino({ level: 'silent' }),
      now: () => new Date(),
    });
    const outcomes = await Promise.all([checkpointer.checkpoint(), other.checkpoint()]);
    expect(outcomes.filter((o) => o === 'written')).toHaveLength(1);
    const stream = await subject.store.readStream(AUDIT_CHECKPOINT_STREAM);
    expect(stream.map((e) => e.data['position'])).toEqual([6, 10, 12]);
  });

  it('finds an edited field, naming its position', async () => {
    const tamper = subject.tamper();
    await tamper.editData(3);
    await tamper.close();
    expect(await verifyLog(subject.store, keys)).toMatchObject({
      ok: false,
      position: 3,
      reason: expect.stringMatching(/^edited/) as unknown,
    });
  });

  it('finds a deleted event', async () => {
    const tamper = subject.tamper();
    await tamper.remove(3);
    await tamper.close();
    expect(await verifyLog(subject.store, keys)).toMatchObject({
      ok: false,
      position: 3,
      reason: expect.stringMatching(/^missing/) as unknown,
    });
  });

  it('finds an inserted event even when its own hash was computed onto the chain', async () => {
    const [before] = await subject.store.readAll(1, 1);
    const tamper = subject.tamper();
    await tamper.insertForged(3, before?.hash ?? '');
    await tamper.close();
    expect(await verifyLog(subject.store, keys)).toMatchObject({
      ok: false,
      position: 3,
      reason: expect.stringMatching(/^inserted/) as unknown,
    });
  });

  it('finds two swapped events', async () => {
    const tamper = subject.tamper();
    await tamper.swap(3, 5);
    await tamper.close();
    expect(await verifyLog(subject.store, keys)).toMatchObject({
      ok: false,
      position: 3,
      reason: expect.stringMatching(/^reordered/) as unknown,
    });
  });

  it('finds a tail cut below a checkpoint kept outside (and cannot without one)', async () => {
    const jws = await signedJws();
    const tamper = subject.tamper();
    await tamper.cutFrom(5);
    await tamper.close();
    expect(await verifyLog(subject.store, keys, { checkpoint: jws })).toMatchObject({
      ok: false,
      position: 5,
      reason: expect.stringMatching(/^truncated/) as unknown,
    });
    // The cut took the in-log checkpoint with it: this is why checkpoints are copied elsewhere.
    expect(await verifyLog(subject.store, keys)).toMatchObject({ ok: true, events: 4 });
  });

  it('refuses a checkpoint signed by a key that is not the service’s, in the log or given', async () => {
    const foreign = await ring(await mkdtemp(join(tmpdir(), 'foreign-keys-')));
    const jws = await signCheckpoint(foreign, {
      issuer: ISSUER,
      position: 10,
      hash: 'f'.repeat(64),
      now: new Date(),
    });
    expect(await verifyLog(subject.store, keys, { checkpoint: jws })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/bad signature/) as unknown,
    });
    await subject.store.append({
      streamId: AUDIT_CHECKPOINT_STREAM,
      expectedVersion: 'any',
      events: [{ type: AUDIT_CHECKPOINT_SIGNED, data: { position: 10, hash: 'f'.repeat(64), jws } }],
      metadata: {},
      occurredAt: new Date(),
    });
    expect(await verifyLog(subject.store, keys)).toMatchObject({
      ok: false,
      position: 11,
      reason: expect.stringMatching(/^bad signature/) as unknown,
    });
  });

  it('--from a checkpoint verifies only what follows it', async () => {
    expect(await verifyLog(subject.store, keys, { from: 6 })).toMatchObject({ ok: true, events: 4 });
  });

  it('events stored before the chain are counted apart; the chain starts after them', async () => {
    const fresh = await open(kind);
    try {
      for (let i = 1; i <= 2; i += 1) await appendUserEvent(fresh.store, i);
      const tamper = fresh.tamper();
      await tamper.stripHashes(2);
      await tamper.close();
      // A new process, as after the upgrade: nothing remembered of the head.
      await appendUserEvent(await fresh.second(), 3);
      const [third] = await fresh.store.readAll(2, 1);
      expect(third?.prevHash).toBe('0'.repeat(64));
      expect(await verifyLog(fresh.store, keys)).toMatchObject({
        ok: true,
        events: 3,
        unhashed: 2,
        chainStart: 3,
      });
    } finally {
      await fresh.cleanup();
    }
  });
});
