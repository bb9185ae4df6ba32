import type { PlainPassword } from '../../domain/user/password-policy.js';

export interface PasswordHasher {
  hash(password: PlainPassword): Promise<string>;
  /** Constant work whatever the input; never throws for a malformed hash, it just does not match. */
  verify(password: string, hash: string): Promise<boolean>;
  /**
   * Spends the same time as a real verification against a hash of the configured cost, so that an
   * unknown account answers as slowly as a wrong password.
   */
  verifyAgainstDummy(password: string): Promise<false>;
}
export const PASSWORD_HASHER = Symbol('PasswordHasher');
