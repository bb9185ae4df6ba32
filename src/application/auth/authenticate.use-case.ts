import { inject, injectable } from 'tsyringe';
import type { Role } from '../../domain/user/role.js';
import { SESSION_REVOCATIONS, type SessionRevocations } from '../ports/session-revocations.port.js';
import {
  ACCESS_TOKEN_SERVICE,
  type AccessTokenService,
  type VerifiedAccessToken,
} from '../ports/token-service.port.js';
import type { RequestContext } from '../request-context.js';
import { AccessRefusals, type AdminDenial } from './access-refusals.js';
import { SessionStanding } from './session-standing.js';

export interface Principal {
  readonly userId: string;
  readonly sessionId: string;
  readonly role: Role;
  /** When the session last proved the password (the token's `auth_time`). */
  readonly authTime: Date;
  /** RFC 8176 methods the session proved: `otp` after a second factor. */
  readonly amr: readonly string[];
}

const principalOf = (verified: VerifiedAccessToken): Principal => ({
  userId: verified.userId,
  sessionId: verified.sessionId,
  role: verified.role,
  authTime: verified.authTime,
  amr: verified.amr ?? ['pwd'],
});

/**
 * A bearer token is accepted while it verifies and its session has not been revoked. Both checks
 * are in memory (a signature and a Map lookup): this runs on every authenticated request. When
 * the revocation list is stale (the log could not be read for longer than the configured bound),
 * the session is checked in the store instead, and a store that does not answer is a 503.
 */
@injectable()
export class Authenticate {
  constructor(
    @inject(ACCESS_TOKEN_SERVICE) private readonly accessTokens: AccessTokenService,
    @inject(SESSION_REVOCATIONS) private readonly revocations: SessionRevocations,
    @inject(AccessRefusals) private readonly refusals: AccessRefusals,
    @inject(SessionStanding) private readonly standing: SessionStanding,
  ) {}

  /**
   * The guard of 'user' and 'admin' routes: as `execute`, and a refused token (or an Authorization
   * header that is not a bearer token: `null`) is audited as `TokenRejected`.
   */
  async bearer(token: string | null, ctx: RequestContext): Promise<Principal | null> {
    const inspected =
      token === null ? { rejected: 'invalid' as const } : await this.accessTokens.inspect(token);
    if ('rejected' in inspected) {
      await this.refusals.tokenRejected('access', inspected.rejected, ctx);
      return null;
    }
    const { token: verified } = inspected;
    if (await this.isRevoked(verified)) {
      await this.refusals.tokenRejected('access', 'revoked', { ...ctx, actorId: verified.userId });
      return null;
    }
    return principalOf(verified);
  }

  /** An authenticated caller without the role a route needs: audited as `AdminAccessDenied`. */
  async denied(denial: AdminDenial, ctx: RequestContext): Promise<void> {
    await this.refusals.adminDenied(denial, ctx);
  }

  async execute(token: string): Promise<Principal | null> {
    const identified = await this.identify(token);
    return identified === null || identified.revoked ? null : identified.principal;
  }

  /** A genuine token, revoked or not: logging out of a revoked session is not an error. */
  async identify(token: string): Promise<{ principal: Principal; revoked: boolean } | null> {
    const verified = await this.accessTokens.verify(token);
    if (verified === null) return null;
    return { principal: principalOf(verified), revoked: await this.isRevoked(verified) };
  }

  /** The in-memory list while it is current; otherwise the session's own state in the store. */
  private async isRevoked(verified: VerifiedAccessToken): Promise<boolean> {
    if (this.revocations.isRevoked(verified.sessionId)) return true;
    if (this.revocations.isCurrent()) return false;
    const ended = await this.standing.ended(verified.sessionId, verified.userId);
    if (ended) this.revocations.markRevoked(verified.sessionId, new Date());
    return ended;
  }
}
