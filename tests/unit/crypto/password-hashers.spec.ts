import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/infrastructure/config/config.js';
import { BcryptPasswordHasher } from '../../../src/infrastructure/crypto/bcrypt-password-hasher.js';
import { ScryptTestPasswordHasher } from '../../../src/infrastructure/crypto/scrypt-test-password-hasher.js';
import type { PlainPassword } from '../../../src/domain/user/password-policy.js';

const password = 'correct horse battery' as PlainPassword;

describe('the scrypt-test password hasher (integration tests only)', () => {
  const hasher = new ScryptTestPasswordHasher();

  it('is a real verifier: salted, the right password matches, any other does not', async () => {
    const hash = await hasher.hash(password);
    expect(hash).not.toContain(password);
    expect(await hasher.hash(password)).not.toBe(hash);
    expect(await hasher.verify(password, hash)).toBe(true);
    expect(await hasher.verify('correct horse batterY', hash)).toBe(false);
    expect(await hasher.verify('', hash)).toBe(false);
    expect(await hasher.verifyAgainstDummy(password)).toBe(false);
  });

  it('never accepts a malformed or truncated hash', async () => {
    const hash = await hasher.hash(password);
    for (const bad of ['', hash.slice(0, -4), hash.replace('$scrypt-test$', '$scrypt$'), '$scrypt-test$$']) {
      expect(await hasher.verify(password, bad)).toBe(false);
    }
  });

  it('and bcrypt do not accept each other’s hashes, so test data cannot log in under bcrypt', async () => {
    const bcrypt = new BcryptPasswordHasher(10);
    expect(await bcrypt.verify(password, await hasher.hash(password))).toBe(false);
    expect(await hasher.verify(password, await bcrypt.hash(password))).toBe(false);
  });

  it('cannot be selected under NODE_ENV=production (finding: test hasher reachable in production)', () => {
    expect(loadConfig({ PASSWORD_HASHER: 'scrypt-test' }).passwordHasher).toBe('scrypt-test');
    expect(loadConfig({}).passwordHasher).toBe('bcrypt');
    expect(() => loadConfig({ PASSWORD_HASHER: 'scrypt-test', NODE_ENV: 'production' })).toThrow(ConfigError);
    expect(() => loadConfig({ PASSWORD_HASHER: 'SCRYPT-TEST' })).toThrow(/PASSWORD_HASHER/);
    expect(loadConfig({ PASSWORD_HASHER: 'bcrypt', NODE_ENV: 'production' }).passwordHasher).toBe('bcrypt');
  });
});
