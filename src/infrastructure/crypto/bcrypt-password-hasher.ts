import { createHmac, randomBytes } from 'node:crypto';
import bcrypt from 'bcrypt';
import type { PasswordHasher } from '../../application/ports/password-hasher.port.js';
import type { PlainPassword } from '../../domain/user/password-policy.js';

/**
 * bcrypt reads at most 72 bytes. Every password is first reduced to a fixed 44-character base64
 * HMAC-SHA-256 digest, so all of it counts (up to 128 characters = 512 UTF-8 bytes) and no NUL byte
 * can cut it short. The HMAC key is a fixed domain separator, not a secret: it only keeps these
 * digests distinct from plain SHA-256 hashes of the same passwords found elsewhere.
 */
const PREHASH_KEY = 'event-sourced-auth/bcrypt-prehash/v1';
const prehash = (password: string): string =>
  createHmac('sha256', PREHASH_KEY).update(password, 'utf8').digest('base64');

export class BcryptPasswordHasher implements PasswordHasher {
  private readonly dummyHash: Promise<string>;

  constructor(private readonly cost: number) {
    // Hashed once per process so a check against an unknown account costs what a real one does.
    this.dummyHash = bcrypt.hash(prehash(randomBytes(32).toString('base64')), cost);
  }

  hash(password: PlainPassword): Promise<string> {
    // The async API runs on libuv's thread pool, never on the event loop.
    return bcrypt.hash(prehash(password), this.cost);
  }

  async verify(password: string, hash: string): Promise<boolean> {
    try {
      return await bcrypt.compare(prehash(password), hash);
    } catch {
      return false;
    }
  }

  async verifyAgainstDummy(password: string): Promise<false> {
    await bcrypt.compare(prehash(password), await this.dummyHash);
    return false;
  }
}
