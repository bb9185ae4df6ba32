import { randomBytes, scrypt, timingSafeEqual, type BinaryLike, type ScryptOptions } from 'node:crypto';
import type { PasswordHasher } from '../../application/ports/password-hasher.port.js';
import type { PlainPassword } from '../../domain/user/password-policy.js';

/**
 * A real but deliberately cheap verifier for test runs (PASSWORD_HASHER=scrypt-test): scrypt with
 * a salt and a tiny work factor, so a test that registers and logs in hundreds of users spends
 * microseconds, not bcrypt's ~60 ms, per check while still refusing every wrong password.
 * It offers no resistance to offline guessing, which is why config refuses it under
 * NODE_ENV=production and its hashes carry their own prefix: bcrypt never accepts them, and this
 * verifier never accepts a bcrypt hash, so data written under one cannot log in under the other.
 */
const PREFIX = '$scrypt-test$';
const PARAMS: ScryptOptions = { N: 16, r: 1, p: 1 };
const KEY_LENGTH = 32;
/** Exactly what `hash` writes: a 16-byte salt and a 32-byte key in base64, nothing before or after. */
const FORMAT = /^\$scrypt-test\$([A-Za-z0-9+/]{22}==)\$([A-Za-z0-9+/]{43}=)$/;

const derive = (password: BinaryLike, salt: Buffer): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    scrypt(password, salt, KEY_LENGTH, PARAMS, (error, key) => (error ? reject(error) : resolve(key)));
  });

export class ScryptTestPasswordHasher implements PasswordHasher {
  private readonly dummyHash: Promise<string>;

  constructor() {
    this.dummyHash = this.hash(randomBytes(32).toString('base64') as PlainPassword);
  }

  async hash(password: PlainPassword): Promise<string> {
    const salt = randomBytes(16);
    const key = await derive(password, salt);
    return `${PREFIX}${salt.toString('base64')}$${key.toString('base64')}`;
  }

  async verify(password: string, hash: string): Promise<boolean> {
    const [, salt, expected] = FORMAT.exec(hash) ?? [];
    if (salt === undefined || expected === undefined) return false;
    return timingSafeEqual(
      await derive(password, Buffer.from(salt, 'base64')),
      Buffer.from(expected, 'base64'),
    );
  }

  async verifyAgainstDummy(password: string): Promise<false> {
    await this.verify(password, await this.dummyHash);
    return false;
  }
}
