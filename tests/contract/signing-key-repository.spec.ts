import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileSigningKeyRepository } from '../../src/infrastructure/tokens/file-signing-key-repository.js';
import { MongoSigningKeyRepository } from '../../src/infrastructure/tokens/mongo-signing-key-repository.js';
import { mongoServerLabel, useTestDatabase } from '../support/mongo.js';
import { describeSigningKeyRepositoryContract } from './signing-key-repository.contract.js';

describeSigningKeyRepositoryContract('FileSigningKeyRepository', async () => {
  // A directory that does not exist yet: the first key creates it.
  const dir = join(await mkdtemp(join(tmpdir(), 'signing-keys-')), 'data');
  return {
    repository: new FileSigningKeyRepository(dir),
    other: () => Promise.resolve(new FileSigningKeyRepository(dir)),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
});

describeSigningKeyRepositoryContract(`MongoSigningKeyRepository on ${mongoServerLabel()}`, async () => {
  const database = await useTestDatabase('keys');
  return {
    repository: new MongoSigningKeyRepository(database.db),
    other: () => Promise.resolve(new MongoSigningKeyRepository(database.db)),
    cleanup: () => database.drop(),
  };
});
