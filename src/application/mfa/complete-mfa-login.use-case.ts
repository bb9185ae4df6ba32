import { isRegistered } from '../../domain/user/user.decider.js';
import { inject, injectable } from 'tsyringe';
import { addressKey } from '../../domain/shared/address-key.js';
import { DomainError } from '../../domain/shared/domain-error.js';
import { RetryLaterError } from '../../domain/shared/retry-later-error.js';
import { challengeRefused, openChallenge } from '../../domain/user/mfa.js';
import { LoginAttempts } from '../auth/login-attempts.js';
import { OpenSession } from '../auth/open-session.js';
import type { TokenPair } from '../auth/token-pair.js';
import { TrustedDevices } from '../auth/trusted-devices.js';
import { CLOCK, type Clock } from '../ports/clock.port.js';
import { MFA_CODES, type MfaCodes } from '../ports/mfa-codes.port.js';
import { RATE_LIMITER, type RateLimiter } from '../ports/rate-limiter.port.js';
import type { RequestContext } from '../request-context.js';
import type { SecondFactorInput } from './mfa-answers.js';
import { UserRepository } from '../users/user-repository.js';
import { SecondFactorCheck } from './second-factor-check.js';

export type MfaLoginInput = SecondFactorInput & {
  readonly mfaToken: string;
  /** The `X-Device-Token` header: a challenge issued to a trusted device answers only from it. */
  readonly deviceToken?: string | null;
  readonly clientId?: string | undefined;
};

/** The methods a session proved with a password and then a second factor (RFC 8176). */
export const PASSWORD_AND_OTP: readonly string[] = ['pwd', 'otp'];

/**
 * The second step of a login on an MFA account: the challenge from the password step plus a code
 * (or a recovery code) open a session whose tokens carry `amr: ["pwd","otp"]`. A wrong, replayed
 * or unknown code, an expired, spent or foreign challenge: all answer alike (401).
 */
@injectable()
export class CompleteMfaLogin {
  constructor(
    @inject(UserRepository) private readonly users: UserRepository,
    @inject(MFA_CODES) private readonly codes: MfaCodes,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(RATE_LIMITER) private readonly rateLimiter: RateLimiter,
    @inject(LoginAttempts) private readonly attempts: LoginAttempts,
    @inject(TrustedDevices) private readonly devices: TrustedDevices,
    @inject(SecondFactorCheck) private readonly secondFactor: SecondFactorCheck,
    @inject(OpenSession) private readonly sessions: OpenSession,
  ) {}

  async execute(input: MfaLoginInput, ctx: RequestContext): Promise<TokenPair> {
    const now = this.clock.now();
    const parsed = this.codes.parseChallengeToken(input.mfaToken);
    if (parsed === null) throw challengeRefused();
    // The same per-address budget as the password step: this is the same login.
    const rate = ctx.ip === null ? null : await this.rateLimiter.consume('login', addressKey(ctx.ip));
    if (rate !== null && !rate.allowed) {
      await this.attempts.recordRefusal(
        { identifier: parsed.userId, userId: parsed.userId, outcome: 'rate_limited' },
        ctx,
        now,
      );
      throw new RetryLaterError(
        'rate_limited',
        'Too many login attempts; try again later.',
        rate.retryAfterSeconds,
      );
    }
    const state = await this.users.stateOf(parsed.userId);
    if (!isRegistered(state)) throw challengeRefused();
    // Looked at before a guess is reserved, to know which budget the client spends; the decider
    // checks the same again on the state it appends to.
    const challenge = openChallenge(state.mfa, parsed.challengeId, parsed.digest, now);
    if (challenge === null) throw challengeRefused();
    const device = await this.devices.trustedFor(
      input.deviceToken ?? null,
      state.id,
      state.recovery.devicesTrustedAfter,
    );
    if (challenge.deviceId !== null && device?.deviceId !== challenge.deviceId) throw challengeRefused();
    const deviceId = challenge.deviceId;
    const handled = await this.secondFactor.verify(
      { userId: state.id, identifier: state.email, deviceId },
      input,
      (answer) => ({
        type: 'AnswerMfaChallenge',
        challengeId: parsed.challengeId,
        tokenDigest: parsed.digest,
        deviceId,
        now,
        answer,
      }),
      challengeRefused,
      ctx,
      now,
    );
    const user = handled.state;
    if (!isRegistered(user)) throw challengeRefused();
    if (user.status !== 'active') {
      await this.attempts.recordRefusal(
        { identifier: user.email, userId: user.id, outcome: 'inactive' },
        ctx,
        now,
      );
      throw new DomainError('account_inactive', 'The account is deactivated.');
    }
    return this.sessions.open(
      {
        user,
        identifier: user.email,
        device: deviceId === null ? null : device,
        clientId: input.clientId,
        amr: PASSWORD_AND_OTP,
        secondFactor: 'code' in input ? 'totp' : 'recovery_code',
      },
      ctx,
      now,
    );
  }
}
