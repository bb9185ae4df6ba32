import { isRegistered } from '../../domain/user/user.decider.js';
import { inject, injectable } from 'tsyringe';
import { DomainError } from '../../domain/shared/domain-error.js';
import { RECOVERY_CODE_COUNT } from '../../domain/user/mfa.events.js';
import type { UserCommand } from '../../domain/user/user.commands.js';
import type { Principal } from '../auth/authenticate.use-case.js';
import { requireRecentAuthentication } from '../auth/recent-authentication.js';
import { AUTH_SETTINGS, type AuthSettings } from '../ports/auth-settings.port.js';
import { CLOCK, type Clock } from '../ports/clock.port.js';
import { FIELD_SEALER, type FieldSealer } from '../ports/field-sealer.port.js';
import { MFA_CODES, type MfaCodes } from '../ports/mfa-codes.port.js';
import { TOTP_AUTHENTICATOR, type TotpAuthenticator } from '../ports/totp.port.js';
import { metadataOf, type RequestContext } from '../request-context.js';
import { UserRepository } from '../users/user-repository.js';
import { MfaAnswers, totpSecretRef, type SecondFactorInput } from './mfa-answers.js';
import { SecondFactorCheck } from './second-factor-check.js';
import { invalidCode } from '../../domain/shared/refusals.js';

export interface TotpEnrollment {
  /** Base32, shown once so it can be typed into an app; the log holds only its ciphertext. */
  readonly secret: string;
  readonly otpauthUri: string;
  readonly qrSvg: string;
}

/** Turning the second factor on and off: by the user (with recent authentication) or an administrator. */
@injectable()
export class ManageMfa {
  constructor(
    @inject(CLOCK) private readonly clock: Clock,
    @inject(AUTH_SETTINGS) private readonly settings: AuthSettings,
    @inject(UserRepository) private readonly users: UserRepository,
    @inject(FIELD_SEALER) private readonly sealer: FieldSealer,
    @inject(TOTP_AUTHENTICATOR) private readonly totp: TotpAuthenticator,
    @inject(MFA_CODES) private readonly codes: MfaCodes,
    @inject(MfaAnswers) private readonly answers: MfaAnswers,
    @inject(SecondFactorCheck) private readonly secondFactor: SecondFactorCheck,
  ) {}

  /** A new secret, pending until confirmed; starting again replaces a pending one. */
  async startEnrollment(principal: Principal, ctx: RequestContext): Promise<TotpEnrollment> {
    const now = this.clock.now();
    requireRecentAuthentication(principal, now, this.settings.reauthWindowSeconds);
    const user = await this.activeUser(principal.userId);
    const secret = this.totp.newSecret();
    const sealedSecret = this.sealer.seal(totpSecretRef(user.id), secret);
    await this.users.change(user.id, { type: 'StartMfaEnrollment', sealedSecret }, metadataOf(ctx), { now });
    const otpauthUri = this.totp.keyUri(secret, user.email);
    return { secret, otpauthUri, qrSvg: await this.totp.qrSvg(otpauthUri) };
  }

  /** A code from the new secret turns MFA on; the recovery codes are shown this once. */
  async confirm(principal: Principal, code: string, ctx: RequestContext): Promise<string[]> {
    const now = this.clock.now();
    await this.activeUser(principal.userId);
    const recovery = this.codes.newRecoveryCodes(RECOVERY_CODE_COUNT);
    await this.users.change(
      principal.userId,
      (state): UserCommand => ({
        type: 'ConfirmMfaEnrollment',
        step: !isRegistered(state) ? null : this.answers.stepOf(state.id, state.mfa.pendingSecret, code, now),
        recoveryCodeDigests: recovery.digests,
      }),
      metadataOf(ctx),
      { now },
    );
    return recovery.codes;
  }

  /** Needs recent authentication and a current code or a recovery code (a wrong one is a counted guess). */
  async disable(principal: Principal, input: SecondFactorInput, ctx: RequestContext): Promise<void> {
    const now = this.clock.now();
    requireRecentAuthentication(principal, now, this.settings.reauthWindowSeconds);
    const user = await this.activeUser(principal.userId);
    if (!user.mfa.enabled) throw new DomainError('conflict', 'MFA is not enabled.');
    await this.secondFactor.verify(
      { userId: user.id, identifier: user.email, deviceId: null },
      input,
      (answer) => ({ type: 'DisableMfa', actorId: principal.userId, by: 'user', answer }),
      invalidCode,
      ctx,
      now,
    );
  }

  /** An administrator's reset (a lost phone): recorded with the administrator as the actor. */
  async reset(userId: string, ctx: RequestContext): Promise<void> {
    const actorId = ctx.actorId;
    if (actorId === undefined) throw new DomainError('forbidden', 'An administrator must be named.');
    await this.users.change(userId, { type: 'DisableMfa', actorId, by: 'admin' }, metadataOf(ctx));
  }

  private async activeUser(userId: string) {
    const user = await this.users.find(userId);
    if (user === null) throw new DomainError('user_not_found', 'The user no longer exists.');
    if (user.status !== 'active') throw new DomainError('account_inactive', 'The account is deactivated.');
    return user;
  }
}
