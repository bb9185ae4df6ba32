import type { PasswordHasher } from '../../application/ports/password-hasher.port.js';
import type { PlainPassword } from '../../domain/user/password-policy.js';
import { secondsSince, type AuthMetrics } from './auth-metrics.js';

type Operation = 'hash' | 'verify' | 'verify_dummy';

/**
 * Times bcrypt around any hasher. The dummy verification is labelled apart: it should cost what a
 * real one does (that is the point of it), and comparing the two series shows whether it does.
 */
export class InstrumentedPasswordHasher implements PasswordHasher {
  constructor(
    private readonly inner: PasswordHasher,
    private readonly metrics: AuthMetrics,
  ) {}

  hash(password: PlainPassword): Promise<string> {
    return this.timed('hash', () => this.inner.hash(password));
  }

  verify(password: string, hash: string): Promise<boolean> {
    return this.timed('verify', () => this.inner.verify(password, hash));
  }

  verifyAgainstDummy(password: string): Promise<false> {
    return this.timed('verify_dummy', () => this.inner.verifyAgainstDummy(password));
  }

  private async timed<T>(operation: Operation, work: () => Promise<T>): Promise<T> {
    const started = process.hrtime.bigint();
    try {
      return await work();
    } finally {
      this.metrics.passwordHashing.observe({ operation }, secondsSince(started));
    }
  }
}
