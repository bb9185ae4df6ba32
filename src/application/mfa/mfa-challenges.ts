import { inject, injectable } from 'tsyringe';
import { MFA_CHALLENGE_TTL_SECONDS } from '../../domain/user/mfa.events.js';
import type { RegisteredUser } from '../../domain/user/user.decider.js';
import { ID_GENERATOR, type IdGenerator } from '../ports/id-generator.port.js';
import { MFA_CODES, type MfaCodes } from '../ports/mfa-codes.port.js';
import { metadataOf, type RequestContext } from '../request-context.js';
import { UserRepository } from '../users/user-repository.js';
import { MfaRequiredError } from './mfa-required-error.js';

/**
 * The `mfa_token` is an event-backed challenge in the user's stream, not a signed or sealed
 * self-contained value: its failures, its single use and the last accepted TOTP step are then
 * decided together by one optimistic append, on any instance; a password change or an admin reset
 * kills it at once; and it cannot pass for an access token (it is no JWT, and only
 * POST /auth/login/mfa looks it up). The client holds `<userId>.<challengeId>.<secret>`; the
 * stream holds only its digest, the expiry and the trusted device the password was typed on.
 */
@injectable()
export class MfaChallenges {
  constructor(
    @inject(UserRepository) private readonly users: UserRepository,
    @inject(MFA_CODES) private readonly codes: MfaCodes,
    @inject(ID_GENERATOR) private readonly ids: IdGenerator,
  ) {}

  /** Records the challenge and returns the refusal the login answers with. */
  async issue(
    user: RegisteredUser,
    deviceId: string | null,
    ctx: RequestContext,
    now: Date,
  ): Promise<MfaRequiredError> {
    const challengeId = this.ids.uuid();
    const { token, digest } = this.codes.issueChallengeToken(user.id, challengeId);
    await this.users.change(
      user.id,
      {
        type: 'IssueMfaChallenge',
        challengeId,
        tokenDigest: digest,
        expiresAt: new Date(now.getTime() + MFA_CHALLENGE_TTL_SECONDS * 1000),
        deviceId,
      },
      { ...metadataOf(ctx), actorId: user.id },
      { now },
    );
    return new MfaRequiredError(token, MFA_CHALLENGE_TTL_SECONDS);
  }
}
