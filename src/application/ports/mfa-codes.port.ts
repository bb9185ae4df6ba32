export interface IssuedMfaToken {
  /** Handed to the client once; never stored or logged. */
  readonly token: string;
  /** What the challenge event keeps. */
  readonly digest: string;
}

/**
 * The opaque values of the second factor: the `mfa_token` of a login challenge
 * (`<userId>.<challengeId>.<256-bit secret>`, stored only as a digest) and the recovery codes
 * (80 random bits each, stored only as digests).
 */
export interface MfaCodes {
  issueChallengeToken(userId: string, challengeId: string): IssuedMfaToken;
  /** Null when the token is not even well-formed. */
  parseChallengeToken(
    token: string,
  ): { readonly userId: string; readonly challengeId: string; readonly digest: string } | null;
  newRecoveryCodes(count: number): { readonly codes: string[]; readonly digests: string[] };
  /** The digest a recovery code is stored as (case, spaces and dashes ignored); null when malformed. */
  recoveryCodeDigest(code: string): string | null;
}
export const MFA_CODES = Symbol('MfaCodes');
