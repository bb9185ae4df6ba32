import { MongoWebhookReadModel } from '../../src/infrastructure/read-models/mongo/mongo-webhook-read-model.js';
import { describeWebhookReadModelContract, webhookView } from './webhook-read-model.contract.js';
import { afterAll, beforeAll } from 'vitest';
import { MongoMailOutbox } from '../../src/infrastructure/read-models/mongo/mongo-mail-outbox.js';
import { describeMailOutboxContract, mailView } from './mail-outbox.contract.js';
import { MongoLoginAttemptReadModel } from '../../src/infrastructure/read-models/mongo/mongo-login-attempt-read-model.js';
import { MongoProjectionStore } from '../../src/infrastructure/read-models/mongo/mongo-projection-store.js';
import { MongoSessionReadModel } from '../../src/infrastructure/read-models/mongo/mongo-session-read-model.js';
import { MongoUserReadModel } from '../../src/infrastructure/read-models/mongo/mongo-user-read-model.js';
import { mongoServerLabel, useTestDatabase, type TestDatabase } from '../support/mongo.js';
import { attempt, describeLoginAttemptReadModelContract } from './login-attempt-read-model.contract.js';
import { describeProjectionStoreContract } from './projection-store.contract.js';
import { describeSessionReadModelContract, sessionView } from './session-read-model.contract.js';
import { describeUserReadModelContract, userView } from './user-read-model.contract.js';

interface Note {
  readonly id: string;
  readonly text: string;
}

let database: TestDatabase;
beforeAll(async () => {
  database = await useTestDatabase('readmodels');
});
afterAll(async () => {
  await database.drop();
});

const seqOf = (id: string): number => [...id].reduce((sum, c) => sum + c.charCodeAt(0), 0);

/** The read models have fixed collection names: each test gets them initialised and emptied. */
async function fresh<Store extends { init(): Promise<void>; reset(): Promise<void> }>(
  store: Store,
): Promise<Store> {
  await store.init();
  await store.reset();
  return store;
}

const server = mongoServerLabel();
let notes = 0;

describeProjectionStoreContract<Note>(`MongoProjectionStore on ${server}`, {
  create: () => {
    notes += 1;
    return fresh(
      new MongoProjectionStore<Note>(database.db, {
        collection: `rm_notes_${notes}`,
        name: `notes-${notes}`,
      }),
    );
  },
  sample: (id, version) => ({ id, text: `${id} v${version}` }),
});
describeProjectionStoreContract(`MongoUserReadModel on ${server}`, {
  create: () => fresh(new MongoUserReadModel(database.db)),
  sample: (id, version) => userView(seqOf(id), { id, fullName: `v${version}` }),
});
describeProjectionStoreContract(`MongoSessionReadModel on ${server}`, {
  create: () => fresh(new MongoSessionReadModel(database.db)),
  sample: (id, version) => sessionView(seqOf(id), { id, expiresAt: `2026-02-0${version}T00:00:00.000Z` }),
});
describeProjectionStoreContract(`MongoLoginAttemptReadModel on ${server}`, {
  create: () => fresh(new MongoLoginAttemptReadModel(database.db)),
  sample: (id, version) => ({ ...attempt(seqOf(id)), id, userAgent: `v${version}` }),
});

describeProjectionStoreContract(`MongoWebhookReadModel on ${server}`, {
  create: () => fresh(new MongoWebhookReadModel(database.db)),
  sample: (id, version) => webhookView(seqOf(id), { id, failures: version }),
});
describeWebhookReadModelContract(`MongoWebhookReadModel on ${server}`, () =>
  fresh(new MongoWebhookReadModel(database.db)),
);

describeUserReadModelContract(`MongoUserReadModel on ${server}`, () =>
  fresh(new MongoUserReadModel(database.db)),
);
describeSessionReadModelContract(`MongoSessionReadModel on ${server}`, () =>
  fresh(new MongoSessionReadModel(database.db)),
);
describeLoginAttemptReadModelContract(`MongoLoginAttemptReadModel on ${server}`, () =>
  fresh(new MongoLoginAttemptReadModel(database.db)),
);

describeProjectionStoreContract(`MongoMailOutbox on ${server}`, {
  create: () => fresh(new MongoMailOutbox(database.db)),
  sample: (id, version) => mailView(seqOf(id), { id, attempts: version }),
});
describeMailOutboxContract(`MongoMailOutbox on ${server}`, () => fresh(new MongoMailOutbox(database.db)));
