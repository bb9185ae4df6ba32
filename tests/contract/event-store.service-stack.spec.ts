import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventStore } from '../../src/application/ports/event-store.port.js';
import type { DataKeyStore } from '../../src/application/ports/data-key-store.port.js';
import { MongoEventStore } from '../../src/infrastructure/event-store/mongo-event-store.js';
import { SqliteEventStore } from '../../src/infrastructure/event-store/sqlite-event-store.js';
import { AuthMetrics } from '../../src/infrastructure/metrics/auth-metrics.js';
import { InstrumentedEventStore } from '../../src/infrastructure/metrics/instrumented-event-store.js';
import { MongoDataKeyStore } from '../../src/infrastructure/privacy/mongo-data-key-store.js';
import { SqliteDataKeyStore } from '../../src/infrastructure/privacy/sqlite-data-key-store.js';
import { sealing } from '../../src/infrastructure/runtime/storage.js';
import { mongoServerLabel, useTestDatabase } from '../support/mongo.js';
import { describeEventStoreContract } from './event-store.contract.js';

/**
 * The decorators are adapters of the port too: the store every use case is handed is the stored
 * log behind the personal-data sealing and the metrics, composed as storage.ts and the container
 * compose them. Each instance has its own decorators over the same storage and keys.
 */
const serviceStack = (stored: EventStore, keys: DataKeyStore, masterKey: Uint8Array): EventStore =>
  new InstrumentedEventStore(sealing(stored, keys, masterKey).eventStore, new AuthMetrics());

describeEventStoreContract('the service stack over SqliteEventStore', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'event-stack-'));
  const masterKey = randomBytes(32);
  const keys = new SqliteDataKeyStore({ file: join(dir, 'data-keys.sqlite') });
  const open = (): EventStore =>
    serviceStack(new SqliteEventStore({ file: join(dir, 'events.sqlite') }), keys, masterKey);
  return {
    store: open(),
    other: () => Promise.resolve(open()),
    cleanup: async () => {
      await keys.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});

describeEventStoreContract(`the service stack over MongoEventStore on ${mongoServerLabel()}`, async () => {
  const database = await useTestDatabase('stack');
  const masterKey = randomBytes(32);
  const keys = new MongoDataKeyStore(database.db);
  const open = async (): Promise<EventStore> =>
    serviceStack(await MongoEventStore.create(database.db), keys, masterKey);
  return { store: await open(), other: open, cleanup: () => database.drop() };
});
