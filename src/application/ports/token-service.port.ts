import type { Role } from '../../domain/user/role.js';

export interface AccessTokenClaims {
  readonly userId: string;
  readonly sessionId: string;
  readonly role: Role;
  /** When the session last proved the password (OIDC `auth_time`); the login time until reauthentication exists. */
  readonly authTime: Date;
  /** RFC 8176 authentication methods (`["pwd"]`, `["pwd","otp"]`); `["pwd"]` when absent. */
  readonly amr?: readonly string[];
  /** RFC 9068 `client_id`: the client the request named; the configured default otherwise. */
  readonly clientId?: string | undefined;
}

export interface IssuedAccessToken {
  readonly token: string;
  readonly expiresIn: number;
  readonly jti: string;
}

export interface VerifiedAccessToken extends AccessTokenClaims {
  readonly clientId: string;
  readonly jti: string;
  readonly issuedAt: Date;
  readonly expiresAt: Date;
}

/** Why a token was refused: for the audit trail only, never told to the client. */
export type AccessTokenInspection =
  { readonly token: VerifiedAccessToken } | { readonly rejected: 'invalid' | 'expired' };

export interface AccessTokenService {
  issue(claims: AccessTokenClaims, now: Date): Promise<IssuedAccessToken>;
  /** Resolves to null for any token that is malformed, forged, expired or not meant for us. */
  verify(token: string): Promise<VerifiedAccessToken | null>;
  /** As `verify`, naming the reason of a refusal (expired: genuine but past `exp`). */
  inspect(token: string): Promise<AccessTokenInspection>;
}
export const ACCESS_TOKEN_SERVICE = Symbol('AccessTokenService');

export interface IssuedRefreshToken {
  /** Handed to the client once; never stored or logged. */
  readonly token: string;
  /** What the session stream keeps. */
  readonly digest: string;
}

/** Opaque refresh tokens `<sessionId>.<256-bit secret>`, stored only as digests. */
export interface RefreshTokenCodec {
  issue(sessionId: string): IssuedRefreshToken;
  /** Null when the token is not even well-formed. */
  parse(token: string): { readonly sessionId: string; readonly digest: string } | null;
}
export const REFRESH_TOKEN_CODEC = Symbol('RefreshTokenCodec');
