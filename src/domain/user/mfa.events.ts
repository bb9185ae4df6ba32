import type { DomainEvent } from '../shared/event.js';

/**
 * The second factor lives in the user's own stream: the secret, the recovery codes, the open login
 * challenges and the last accepted TOTP step are all state of one aggregate, so the append's
 * optimistic concurrency decides every race (one code, one challenge, one instance wins).
 */

export type MfaFactor = 'totp' | 'recovery_code';

/** Enrollment begun; not active until confirmed. `sealedSecret` is AES-256-GCM ciphertext only. */
export type MfaEnrollmentStarted = DomainEvent<
  'MfaEnrollmentStarted',
  { readonly userId: string; readonly sealedSecret: string }
>;
/** Confirmed with a code (its time step is used up); recovery codes are kept as digests. */
export type MfaEnabled = DomainEvent<
  'MfaEnabled',
  { readonly userId: string; readonly recoveryCodeDigests: readonly string[]; readonly step: number }
>;
export type MfaDisabled = DomainEvent<
  'MfaDisabled',
  { readonly userId: string; readonly actorId: string; readonly by: 'user' | 'admin' }
>;
/** A correct password on an MFA account: a short-lived challenge, identified by a digest of its token. */
export type MfaChallengeIssued = DomainEvent<
  'MfaChallengeIssued',
  {
    readonly userId: string;
    readonly challengeId: string;
    readonly tokenDigest: string;
    readonly expiresAt: string;
    /** The trusted device the password was typed on, if any: the challenge answers only there. */
    readonly deviceId: string | null;
  }
>;
export type MfaChallengePassed = DomainEvent<
  'MfaChallengePassed',
  {
    readonly userId: string;
    /** Null for a code proved outside a login (turning MFA off). */
    readonly challengeId: string | null;
    readonly factor: MfaFactor;
    /** The TOTP time step now used up. */
    readonly step?: number;
  }
>;
export type MfaChallengeFailed = DomainEvent<
  'MfaChallengeFailed',
  {
    readonly userId: string;
    readonly challengeId: string | null;
    readonly factor: MfaFactor;
    readonly reason: 'wrong_code' | 'code_already_used';
  }
>;
export type RecoveryCodeUsed = DomainEvent<
  'RecoveryCodeUsed',
  { readonly userId: string; readonly codeDigest: string; readonly remaining: number }
>;

export type MfaEvent =
  | MfaEnrollmentStarted
  | MfaEnabled
  | MfaDisabled
  | MfaChallengeIssued
  | MfaChallengePassed
  | MfaChallengeFailed
  | RecoveryCodeUsed;

export const MFA_EVENT_TYPES: readonly MfaEvent['type'][] = [
  'MfaEnrollmentStarted',
  'MfaEnabled',
  'MfaDisabled',
  'MfaChallengeIssued',
  'MfaChallengePassed',
  'MfaChallengeFailed',
  'RecoveryCodeUsed',
];

/** Wrong answers one challenge survives; the next kills it (the client must log in again). */
export const MFA_CHALLENGE_MAX_FAILURES = 5;
export const MFA_CHALLENGE_TTL_SECONDS = 300;
export const RECOVERY_CODE_COUNT = 10;
