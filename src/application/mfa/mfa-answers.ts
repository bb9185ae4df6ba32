import { inject, injectable } from 'tsyringe';
import type { MfaAnswer } from '../../domain/user/mfa.js';
import type { RegisteredUser } from '../../domain/user/user.decider.js';
import { FIELD_SEALER, type FieldSealer, type SealedFieldRef } from '../ports/field-sealer.port.js';
import { MFA_CODES, type MfaCodes } from '../ports/mfa-codes.port.js';
import { TOTP_AUTHENTICATOR, type TotpAuthenticator } from '../ports/totp.port.js';

/** A code from an authenticator app, or one of the recovery codes. */
export type SecondFactorInput = { readonly code: string } | { readonly recoveryCode: string };

/** The TOTP secret is sealed for this purpose and user: it opens for nothing and nobody else. */
export const totpSecretRef = (userId: string): SealedFieldRef => ({
  purpose: 'totp-secret',
  subjectId: userId,
});

/**
 * Turns what the client typed into what the decider judges: the TOTP step the code matches
 * (opening the sealed secret only for this), or the recovery code's digest. Pure deciders never
 * see a secret.
 */
@injectable()
export class MfaAnswers {
  constructor(
    @inject(FIELD_SEALER) private readonly sealer: FieldSealer,
    @inject(TOTP_AUTHENTICATOR) private readonly totp: TotpAuthenticator,
    @inject(MFA_CODES) private readonly codes: MfaCodes,
  ) {}

  /** The step a code matches for a sealed secret (the active or the pending one), or null. */
  stepOf(userId: string, sealedSecret: string | null, code: string, now: Date): number | null {
    if (sealedSecret === null) return null;
    const secret = this.sealer.open(totpSecretRef(userId), sealedSecret);
    return this.totp.matchingStep(secret, code, now);
  }

  of(user: RegisteredUser, input: SecondFactorInput, now: Date): MfaAnswer {
    if ('code' in input) {
      return { factor: 'totp', step: this.stepOf(user.id, user.mfa.sealedSecret, input.code, now) };
    }
    // A malformed code gets a digest no stored code can have: it fails like any wrong one.
    return { factor: 'recovery_code', codeDigest: this.codes.recoveryCodeDigest(input.recoveryCode) ?? '' };
  }
}
