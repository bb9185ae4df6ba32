import { inject, injectable } from 'tsyringe';
import type { Role } from '../../domain/user/role.js';
import { ACCESS_TOKEN_SERVICE, type AccessTokenService } from '../ports/token-service.port.js';
import { AUTH_SETTINGS, type AuthSettings } from '../ports/auth-settings.port.js';

/** What a successful login or refresh hands to the client (the refresh token only this once). */
export interface TokenPair {
  readonly accessToken: string;
  readonly expiresIn: number;
  readonly refreshToken: string;
  readonly refreshExpiresIn: number;
  readonly userId: string;
  readonly sessionId: string;
  /** After a password login: the token that makes this client a trusted device of the account. */
  readonly deviceToken?: string;
}

@injectable()
export class TokenPairIssuer {
  constructor(
    @inject(ACCESS_TOKEN_SERVICE) private readonly accessTokens: AccessTokenService,
    @inject(AUTH_SETTINGS) private readonly settings: AuthSettings,
  ) {}

  /** A fresh refresh-token lifetime, never past the session's lifetime cap (the decider caps rotations). */
  refreshExpiry(now: Date): Date {
    const { refreshTokenTtlSeconds, sessionMaxLifetimeSeconds } = this.settings;
    return new Date(now.getTime() + Math.min(refreshTokenTtlSeconds, sessionMaxLifetimeSeconds) * 1000);
  }

  async issue(
    session: {
      userId: string;
      sessionId: string;
      role: Role;
      refreshToken: string;
      refreshExpiresAt: Date;
      clientId?: string | undefined;
      authTime: Date;
      amr?: readonly string[];
    },
    now: Date,
  ): Promise<TokenPair> {
    const access = await this.accessTokens.issue(session, now);
    return {
      accessToken: access.token,
      expiresIn: access.expiresIn,
      refreshToken: session.refreshToken,
      refreshExpiresIn: Math.max(0, Math.floor((session.refreshExpiresAt.getTime() - now.getTime()) / 1000)),
      userId: session.userId,
      sessionId: session.sessionId,
    };
  }
}
