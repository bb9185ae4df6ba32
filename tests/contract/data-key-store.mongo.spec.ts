import { connectMongo } from '../../src/infrastructure/mongo/mongo-connection.js';
import { MongoDataKeyStore } from '../../src/infrastructure/privacy/mongo-data-key-store.js';
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
