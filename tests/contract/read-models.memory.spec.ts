import { InMemoryWebhookReadModel } from '../../src/infrastructure/read-models/in-memory/in-memory-webhook-read-model.js';
import { describeWebhookReadModelContract, webhookView } from './webhook-read-model.contract.js';
import { InMemoryLoginAttemptReadModel } from '../../src/infrastructure/read-models/in-memory/in-memory-login-attempt-read-model.js';
import { InMemoryProjectionStore } from '../../src/infrastructure/read-models/in-memory/in-memory-projection-store.js';
import { InMemorySessionReadModel } from '../../src/infrastructure/read-models/in-memory/in-memory-session-read-model.js';
import { InMemoryUserReadModel } from '../../src/infrastructure/read-models/in-memory/in-memory-user-read-model.js';
import { attempt, describeLoginAttemptReadModelContract } from './login-attempt-read-model.contract.js';
import { describeProjectionStoreContract } from './projection-store.contract.js';
import { describeSessionReadModelContract, sessionView } from './session-read-model.contract.js';
import { describeUserReadModelContract, userView } from './user-read-model.contract.js';

interface Note {
  readonly id: string;
  readonly text: string;
}

const seqOf = (id: string): number => [...id].reduce((sum, c) => sum + c.charCodeAt(0), 0);

describeProjectionStoreContract<Note>('InMemoryProjectionStore', {
  create: () => Promise.resolve(new InMemoryProjectionStore<Note>()),
  sample: (id, version) => ({ id, text: `${id} v${version}` }),
});
describeProjectionStoreContract('InMemoryUserReadModel', {
  create: () => Promise.resolve(new InMemoryUserReadModel()),
  sample: (id, version) => userView(seqOf(id), { id, fullName: `v${version}` }),
});
describeProjectionStoreContract('InMemorySessionReadModel', {
  create: () => Promise.resolve(new InMemorySessionReadModel()),
  sample: (id, version) => sessionView(seqOf(id), { id, expiresAt: `2026-02-0${version}T00:00:00.000Z` }),
});
describeProjectionStoreContract('InMemoryLoginAttemptReadModel', {
  create: () => Promise.resolve(new InMemoryLoginAttemptReadModel()),
  sample: (id, version) => ({ ...attempt(seqOf(id)), id, userAgent: `v${version}` }),
});

describeProjectionStoreContract('InMemoryWebhookReadModel', {
  create: () => Promise.resolve(new InMemoryWebhookReadModel()),
  sample: (id, version) => webhookView(seqOf(id), { id, failures: version }),
});
describeWebhookReadModelContract('InMemoryWebhookReadModel', () =>
  Promise.resolve(new InMemoryWebhookReadModel()),
);

describeUserReadModelContract('InMemoryUserReadModel', () => Promise.resolve(new InMemoryUserReadModel()));
describeSessionReadModelContract('InMemorySessionReadModel', () =>
  Promise.resolve(new InMemorySessionReadModel()),
);
describeLoginAttemptReadModelContract('InMemoryLoginAttemptReadModel', () =>
  Promise.resolve(new InMemoryLoginAttemptReadModel()),
);
