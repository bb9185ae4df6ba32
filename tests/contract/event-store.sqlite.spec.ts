import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '../../src/infrastructure/event-store/sqlite-event-store.js';
import { describeEventStoreChainContract } from './event-store-chain.contract.js';
import { describeEventStoreContract } from './event-store.contract.js';

describeEventStoreContract('SqliteEventStore (file, second instance on the same file)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'event-store-'));
  // A subdirectory that does not exist yet: the store must create it.
  const file = join(dir, 'nested', 'events.db');
  return {
    store: new SqliteEventStore({ file }),
    other: () => Promise.resolve(new SqliteEventStore({ file })),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
});

describeEventStoreContract('SqliteEventStore (:memory:)', () =>
  Promise.resolve({
    store: new SqliteEventStore({ file: ':memory:' }),
    cleanup: () => Promise.resolve(),
  }),
);

describeEventStoreChainContract('SqliteEventStore (file, second instance on the same file)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'event-chain-'));
  const file = join(dir, 'events.db');
  return {
    store: new SqliteEventStore({ file }),
    other: () => Promise.resolve(new SqliteEventStore({ file })),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
});
