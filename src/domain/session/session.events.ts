import type { DomainEvent } from '../shared/event.js';
import type { MfaFactor } from '../user/mfa.events.js';

export const LOGOUT_REASONS = [
  'user',
  'logout-all',
  'password-change',
  'admin',
  'reuse',
  'deactivation',
  'erasure',
] as const;
export type LogoutReason = (typeof LOGOUT_REASONS)[number];

/** Opens a session in its own `session-<id>` stream. Only a digest of the refresh token is kept. */
export type LoggedIn = DomainEvent<
  'LoggedIn',
  {
    readonly sessionId: string;
    readonly userId: string;
    readonly identifier: string;
    readonly refreshTokenDigest: string;
    readonly expiresAt: string;
    readonly ip: string | null;
    readonly userAgent: string | null;
    /** RFC 8176 methods the login proved (`pwd`, `otp`); absent on events from before MFA: `["pwd"]`. */
    readonly amr?: readonly string[];
    /** The second factor the login proved, if any (the attempt trail shows it). */
    readonly secondFactor?: MfaFactor;
  }
>;
export type TokenRefreshed = DomainEvent<
  'TokenRefreshed',
  {
    readonly sessionId: string;
    readonly userId: string;
    readonly refreshTokenDigest: string;
    readonly expiresAt: string;
  }
>;
export type RefreshTokenReuseDetected = DomainEvent<
  'RefreshTokenReuseDetected',
  { readonly sessionId: string; readonly userId: string }
>;
/**
 * The session proved the password again (POST /auth/reauthenticate): its `auth_time` moves to
 * `at`, so privileged changes are allowed for REAUTH_WINDOW from then on.
 */
export type SessionReauthenticated = DomainEvent<
  'SessionReauthenticated',
  {
    readonly sessionId: string;
    readonly userId: string;
    readonly at: string;
    readonly ip?: string | null;
    readonly userAgent?: string | null;
  }
>;
export type LoggedOut = DomainEvent<
  'LoggedOut',
  { readonly sessionId: string; readonly userId: string; readonly reason: LogoutReason }
>;

export type SessionEvent =
  LoggedIn | TokenRefreshed | RefreshTokenReuseDetected | SessionReauthenticated | LoggedOut;

export const sessionStreamId = (sessionId: string): string => `session-${sessionId}`;
