import { BcryptPasswordHasher } from '../../src/infrastructure/crypto/bcrypt-password-hasher.js';
import { ScryptTestPasswordHasher } from '../../src/infrastructure/crypto/scrypt-test-password-hasher.js';
import { AuthMetrics } from '../../src/infrastructure/metrics/auth-metrics.js';
import { InstrumentedPasswordHasher } from '../../src/infrastructure/metrics/instrumented-password-hasher.js';
import { describePasswordHasherContract } from './password-hasher.contract.js';

// bcrypt's lowest cost: the contract is about behaviour, the cost is configuration.
const BCRYPT_COST = 4;

describePasswordHasherContract('BcryptPasswordHasher', () => new BcryptPasswordHasher(BCRYPT_COST));
describePasswordHasherContract('ScryptTestPasswordHasher', () => new ScryptTestPasswordHasher());
describePasswordHasherContract(
  'InstrumentedPasswordHasher over bcrypt',
  () => new InstrumentedPasswordHasher(new BcryptPasswordHasher(BCRYPT_COST), new AuthMetrics()),
);
