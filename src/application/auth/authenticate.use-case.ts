import { inject, injectable } from 'tsyringe';
import type { Role } from '../../domain/user/role.js';
import { SESSION_REVOCATIONS, type SessionRevocations } from '../ports/session-revocations.port.js';
import { ACCESS_TOKEN_SERVICE, type AccessTokenService } from '../ports/token-service.port.js';

export interface Principal {
  readonly userId: string;
  readonly sessionId: string;
  readonly role: Role;
  /** When the session last proved the password (the token's `auth_time`). */
  readonly authTime: Date;
  /** RFC 8176 methods the session proved: `otp` after a second factor. */
  readonly amr: readonly string[];
}

/**
 * A bearer token is accepted while it verifies and its session has not been revoked. Both checks
 * are in memory (a signature and a Map lookup): this runs on every authenticated request.
 */
@injectable()
export class Authenticate {
  constructor(
    @inject(ACCESS_TOKEN_SERVICE) private readonly accessTokens: AccessTokenService,
    @inject(SESSION_REVOCATIONS) private readonly revocations: SessionRevocations,
  ) {}

  async execute(token: string): Promise<Principal | null> {
    const identified = await this.identify(token);
    return identified === null || identified.revoked ? null : identified.principal;
  }

  /** A genuine token, revoked or not: logging out of a revoked session is not an error. */
  async identify(token: string): Promise<{ principal: Principal; revoked: boolean } | null> {
    const verified = await this.accessTokens.verify(token);
    if (verified === null) return null;
    const principal = {
      userId: verified.userId,
      sessionId: verified.sessionId,
      role: verified.role,
      authTime: verified.authTime,
      amr: verified.amr ?? ['pwd'],
    };
    return { principal, revoked: this.revocations.isRevoked(verified.sessionId) };
  }
}
