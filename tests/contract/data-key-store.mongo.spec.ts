import { describe, expect, it } from 'vitest';
import { connectMongo } from '../../src/infrastructure/mongo/mongo-connection.js';
import {
  DATA_KEYS_COLLECTION,
  MongoDataKeyStore,
} from '../../src/infrastructure/privacy/mongo-data-key-store.js';
import { mongoServerLabel, useTestDatabase } from '../support/mongo.js';
import { describeDataKeyStoreContract } from './data-key-store.contract.js';

describeDataKeyStoreContract(`MongoDataKeyStore on ${mongoServerLabel()}`, async () => {
  const database = await useTestDatabase('keys');
  // The other instance has its own client (own pool), as a second process would.
  const { client, db } = await connectMongo(database.uri, { appName: 'contract-other' });
  return {
    store: new MongoDataKeyStore(database.db),
    other: new MongoDataKeyStore(db),
    cleanup: async () => {
      await client.close();
      await database.drop();
    },
  };
});

describe(`MongoDataKeyStore on ${mongoServerLabel()}: keys written before the period field`, () => {
  it('finds an old period key for the retention sweep (its period is set from the id)', async () => {
    const database = await useTestDatabase('keys-old');
    try {
      const at = new Date('2026-03-01T10:00:00.000Z');
      // As the version before retention wrote them: no `period`.
      await database.db
        .collection<{ _id: string; wrapped: string; createdAt: Date; destroyedAt: null }>(
          DATA_KEYS_COLLECTION,
        )
        .insertMany([
          { _id: 'period:2026-02-01', wrapped: 'w1', createdAt: at, destroyedAt: null },
          { _id: 'user:old', wrapped: 'w2', createdAt: at, destroyedAt: null },
        ]);
      const store = new MongoDataKeyStore(database.db);
      expect(await store.liveKeys({ periodBefore: '2026-03-01' })).toEqual(['period:2026-02-01']);
      expect(await store.liveKeys({ prefix: 'user:' })).toEqual(['user:old']);
    } finally {
      await database.drop();
    }
  });
});
