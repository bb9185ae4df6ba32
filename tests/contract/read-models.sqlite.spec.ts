import { SqliteWebhookReadModel } from '../../src/infrastructure/read-models/sqlite/sqlite-webhook-read-model.js';
import { describeWebhookReadModelContract, webhookView } from './webhook-read-model.contract.js';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteMailOutbox } from '../../src/infrastructure/read-models/sqlite/sqlite-mail-outbox.js';
import { describeMailOutboxContract, mailView } from './mail-outbox.contract.js';
import { SqliteLoginAttemptReadModel } from '../../src/infrastructure/read-models/sqlite/sqlite-login-attempt-read-model.js';
import { SqliteProjectionStore } from '../../src/infrastructure/read-models/sqlite/sqlite-projection-store.js';
import { SqliteReadModelDatabase } from '../../src/infrastructure/read-models/sqlite/sqlite-read-model-database.js';
import { SqliteSessionReadModel } from '../../src/infrastructure/read-models/sqlite/sqlite-session-read-model.js';
import { SqliteUserReadModel } from '../../src/infrastructure/read-models/sqlite/sqlite-user-read-model.js';
import { attempt, describeLoginAttemptReadModelContract } from './login-attempt-read-model.contract.js';
import { describeProjectionStoreContract } from './projection-store.contract.js';
import { describeSessionReadModelContract, sessionView } from './session-read-model.contract.js';
import { describeUserReadModelContract, userView } from './user-read-model.contract.js';

interface Note {
  readonly id: string;
  readonly text: string;
  readonly seq: number;
}

const seqOf = (id: string): number => [...id].reduce((sum, c) => sum + c.charCodeAt(0), 0);

/** Each test gets its own in-memory database; the file itself is exercised by the restart test. */
const opened: SqliteReadModelDatabase[] = [];
const database = (): SqliteReadModelDatabase => {
  const db = new SqliteReadModelDatabase({ file: ':memory:' });
  opened.push(db);
  return db;
};
afterAll(() => {
  for (const db of opened) db.close();
});

describeProjectionStoreContract<Note>('SqliteProjectionStore', {
  create: () =>
    Promise.resolve(
      new SqliteProjectionStore<Note>(database(), {
        table: 'rm_notes',
        name: 'notes',
        indexes: [],
      }),
    ),
  sample: (id, version) => ({ id, text: `${id} v${version}`, seq: seqOf(id) }),
});
describeProjectionStoreContract('SqliteUserReadModel', {
  create: () => Promise.resolve(new SqliteUserReadModel(database())),
  sample: (id, version) => userView(seqOf(id), { id, fullName: `v${version}` }),
});
describeProjectionStoreContract('SqliteSessionReadModel', {
  create: () => Promise.resolve(new SqliteSessionReadModel(database())),
  sample: (id, version) => sessionView(seqOf(id), { id, expiresAt: `2026-02-0${version}T00:00:00.000Z` }),
});
describeProjectionStoreContract('SqliteLoginAttemptReadModel', {
  create: () => Promise.resolve(new SqliteLoginAttemptReadModel(database())),
  sample: (id, version) => ({ ...attempt(seqOf(id)), id, userAgent: `v${version}` }),
});

describeProjectionStoreContract('SqliteWebhookReadModel', {
  create: () => Promise.resolve(new SqliteWebhookReadModel(database())),
  sample: (id, version) => webhookView(seqOf(id), { id, failures: version }),
});
describeWebhookReadModelContract('SqliteWebhookReadModel', () =>
  Promise.resolve(new SqliteWebhookReadModel(database())),
);

describeUserReadModelContract('SqliteUserReadModel', () =>
  Promise.resolve(new SqliteUserReadModel(database())),
);
describeSessionReadModelContract('SqliteSessionReadModel', () =>
  Promise.resolve(new SqliteSessionReadModel(database())),
);
describeLoginAttemptReadModelContract('SqliteLoginAttemptReadModel', () =>
  Promise.resolve(new SqliteLoginAttemptReadModel(database())),
);

// Three read models share one file in the service: their tables and checkpoints stay apart.
describeProjectionStoreContract('SqliteUserReadModel next to the others in one file', {
  create: () => {
    const db = database();
    new SqliteSessionReadModel(db);
    new SqliteLoginAttemptReadModel(db);
    return Promise.resolve(new SqliteUserReadModel(db));
  },
  sample: (id, version) => userView(seqOf(id), { id, fullName: `v${version}` }),
});

describeProjectionStoreContract('SqliteMailOutbox', {
  create: () => Promise.resolve(new SqliteMailOutbox(database())),
  sample: (id, version) => mailView(seqOf(id), { id, attempts: version }),
});
describeMailOutboxContract('SqliteMailOutbox', () => Promise.resolve(new SqliteMailOutbox(database())));

describe('SqliteUserReadModel beside another process writing the same file', () => {
  it('a remembered user is read again once the runner has loaded it for a newer event', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rm-two-writers-'));
    const file = path.join(dir, 'read-models.sqlite');
    const service = new SqliteReadModelDatabase({ file });
    const cli = new SqliteReadModelDatabase({ file });
    try {
      const ours = new SqliteUserReadModel(service);
      const theirs = new SqliteUserReadModel(cli);
      await ours.save([{ id: 'user-3', doc: userView(3), position: 3 }]);
      expect(await ours.byId('user-3')).toEqual(userView(3)); // now remembered
      // The CLI projects a newer event first; our runner then finds the row past it and saves nothing.
      const promoted = userView(3, { role: 'admin', seq: 4 });
      await theirs.save([{ id: 'user-3', doc: promoted, position: 4 }]);
      await ours.load(['user-3']);
      expect(await ours.byId('user-3')).toEqual(promoted);
    } finally {
      service.close();
      cli.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
