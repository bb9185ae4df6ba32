import { inject, injectable } from 'tsyringe';
import { DomainError } from '../../domain/shared/domain-error.js';
import { RetryLaterError } from '../../domain/shared/retry-later-error.js';
import { CLOCK, type Clock } from '../ports/clock.port.js';
import { addressKey } from '../../domain/shared/address-key.js';
import { RATE_LIMITER, type RateLimiter } from '../ports/rate-limiter.port.js';
import type { RequestContext } from '../request-context.js';
import { IdentityClaims } from '../users/identity-claims.js';
import { PasswordCheck } from './password-check.js';
import { LoginAttempts } from './login-attempts.js';
import { TrustedDevices } from './trusted-devices.js';
import { OpenSession } from './open-session.js';
import type { TokenPair } from './token-pair.js';
import { MfaChallenges } from '../mfa/mfa-challenges.js';
import { MAIL_SETTINGS, type MailSettings } from '../ports/mail-transport.port.js';

export interface LogInInput {
  /** An email or a username, as typed. */
  readonly identifier: string;
  readonly password: string;
  /** The `X-Device-Token` a client got from an earlier login, if it sent one. */
  readonly deviceToken?: string | null;
  /** The OAuth client the request named, for the `client_id` claim. */
  readonly clientId?: string | undefined;
}

const invalidCredentials = (): DomainError =>
  new DomainError('invalid_credentials', 'Incorrect email, username or password.');

/**
 * Every attempt ends as an event: `LoggedIn` in a new session stream, `LoginFailed` in a guess
 * budget, or a refusal. A password is checked only after a place in every budget it spends was
 * reserved, so neither concurrency nor a crowd of addresses gets more checks than the thresholds.
 * An unknown account, a wrong password and a lock answer alike; only a correct password reveals
 * that an account is deactivated.
 */
@injectable()
export class LogIn {
  constructor(
    @inject(CLOCK) private readonly clock: Clock,
    @inject(RATE_LIMITER) private readonly rateLimiter: RateLimiter,
    @inject(IdentityClaims) private readonly claims: IdentityClaims,
    @inject(LoginAttempts) private readonly attempts: LoginAttempts,
    @inject(PasswordCheck) private readonly passwords: PasswordCheck,
    @inject(TrustedDevices) private readonly devices: TrustedDevices,
    @inject(MfaChallenges) private readonly mfaChallenges: MfaChallenges,
    @inject(OpenSession) private readonly sessions: OpenSession,
    @inject(MAIL_SETTINGS) private readonly mail: MailSettings,
  ) {}

  async execute(input: LogInInput, ctx: RequestContext): Promise<TokenPair> {
    const identifier = input.identifier.trim().toLowerCase();
    const now = this.clock.now();
    const address = addressKey(ctx.ip);

    // Cheapest refusal first: it spends no read and no bcrypt.
    const rate = ctx.ip === null ? null : await this.rateLimiter.consume('login', address);
    if (rate !== null && !rate.allowed) {
      await this.attempts.recordRefusal({ identifier, userId: null, outcome: 'rate_limited' }, ctx, now);
      throw new RetryLaterError(
        'rate_limited',
        'Too many login attempts; try again later.',
        rate.retryAfterSeconds,
      );
    }
    const user = await this.claims.holder(identifier.includes('@') ? 'email' : 'username', identifier);
    const userId = user?.id ?? null;
    const device = await this.devices.trustedFor(
      input.deviceToken ?? null,
      userId,
      user?.recovery.devicesTrustedAfter ?? null,
    );
    await this.passwords.verify(
      { identifier, user, deviceId: device?.deviceId ?? null },
      input.password,
      invalidCredentials,
      ctx,
      now,
    );
    if (user === null) throw invalidCredentials();
    if (user.status !== 'active') {
      await this.attempts.recordRefusal({ identifier, userId, outcome: 'inactive' }, ctx, now);
      throw new DomainError('account_inactive', 'The account is deactivated.');
    }
    // The password was right, so saying why is no enumeration; still, no token of any kind.
    if (this.mail.verificationRequired && !user.recovery.emailVerified) {
      throw new DomainError('email_not_verified', 'The email address is not verified yet.');
    }
    // A correct password on an MFA account opens nothing: only a challenge for POST /auth/login/mfa.
    if (user.mfa.enabled) throw await this.mfaChallenges.issue(user, device?.deviceId ?? null, ctx, now);
    return this.sessions.open({ user, identifier, device, clientId: input.clientId, amr: ['pwd'] }, ctx, now);
  }
}
