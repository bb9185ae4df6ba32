import { inject, injectable } from 'tsyringe';
import { DomainError } from '../../domain/shared/domain-error.js';
import { sessionStreamId } from '../../domain/session/session.events.js';
import {
  sessionDecider,
  type SessionCommand,
  type SessionState,
} from '../../domain/session/session.decider.js';
import type { TokenRejectionReason } from '../../domain/access/access-refusal.events.js';
import { AccessRefusals } from '../auth/access-refusals.js';
import { CommandHandler } from '../command-handler.js';
import { CLOCK, type Clock } from '../ports/clock.port.js';
import { ConcurrencyError } from '../ports/event-store.port.js';
import { SESSION_REVOCATIONS, type SessionRevocations } from '../ports/session-revocations.port.js';
import { AUTH_SETTINGS, type AuthSettings } from '../ports/auth-settings.port.js';
import { REFRESH_TOKEN_CODEC, type RefreshTokenCodec } from '../ports/token-service.port.js';
import { metadataOf, type RequestContext } from '../request-context.js';
import { TokenPairIssuer, type TokenPair } from '../auth/token-pair.js';
import { UserRepository } from '../users/user-repository.js';
import { sessionEndedByUser, type RegisteredUser } from '../../domain/user/user.decider.js';
import { EndSessions } from './end-sessions.js';
import { invalidRefreshToken } from '../../domain/shared/refusals.js';

/** The client's answer is `invalidRefreshToken`'s; the audit records the reason the state no longer shows. */
class RefreshRefused extends DomainError {
  constructor(readonly reason: TokenRejectionReason) {
    super('refresh_token_invalid', invalidRefreshToken().message);
  }
}

@injectable()
export class RefreshSession {
  constructor(
    @inject(CommandHandler) private readonly commands: CommandHandler,
    @inject(REFRESH_TOKEN_CODEC) private readonly refreshTokens: RefreshTokenCodec,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(SESSION_REVOCATIONS) private readonly revocations: SessionRevocations,
    @inject(UserRepository) private readonly users: UserRepository,
    @inject(TokenPairIssuer) private readonly tokens: TokenPairIssuer,
    @inject(AUTH_SETTINGS) private readonly settings: AuthSettings,
    @inject(AccessRefusals) private readonly refusals: AccessRefusals,
    @inject(EndSessions) private readonly endSessions: EndSessions,
  ) {}

  /**
   * Rotation is decided by optimistic concurrency on the session stream, not by a lock, so it
   * holds across instances: of two refreshes racing with one token, one appends and the other
   * fails its append and is refused. A token presented more than REFRESH_REUSE_GRACE after it was
   * rotated is reuse and revokes the session. A racing loser is not treated as reuse (whether it
   * loses the append or reads the winner's rotation): a client retrying a timed-out request keeps
   * the session the winner opened.
   */
  async execute(refreshToken: string, ctx: RequestContext, clientId?: string): Promise<TokenPair> {
    const parsed = this.refreshTokens.parse(refreshToken);
    if (parsed === null) {
      await this.refusals.tokenRejected('refresh', 'invalid', ctx);
      throw invalidRefreshToken();
    }
    try {
      return await this.rotate(parsed, ctx, clientId);
    } catch (error) {
      // A reuse has its own events (RefreshTokenReuseDetected, LoggedOut); the other refusals are
      // audited as TokenRejected, aggregated, with the reason the client is not told.
      if (error instanceof DomainError && error.code === 'refresh_token_invalid') {
        const reason = error instanceof RefreshRefused ? error.reason : await this.reasonOf(parsed);
        await this.refusals.tokenRejected('refresh', reason, ctx);
      }
      throw error;
    }
  }

  private async rotate(
    parsed: { readonly sessionId: string; readonly digest: string },
    ctx: RequestContext,
    clientId: string | undefined,
  ): Promise<TokenPair> {
    const now = this.clock.now();
    const next = this.refreshTokens.issue(parsed.sessionId);
    let decided;
    // Set by the lookup (which may run again on a retry); read after the decision.
    let refusal = null as 'inactive' | 'ended' | null;
    let user = null as RegisteredUser | null;
    try {
      decided = await this.commands.handle(
        sessionStreamId(parsed.sessionId),
        sessionDecider,
        // The user is looked up before the decision, so a session of a deactivated user, or one a
        // "revoke all" ended, is refused without a rotation being appended first.
        async (current: SessionState): Promise<SessionCommand | []> => {
          refusal = null;
          user = null;
          if (current.status === 'active') {
            user = await this.users.find(current.userId);
            if (user === null || user.status !== 'active') refusal = 'inactive';
            else if (sessionEndedByUser(user, parsed.sessionId, current.createdAt)) refusal = 'ended';
            if (refusal !== null) return [];
          }
          return {
            type: 'RefreshSession',
            presentedDigest: parsed.digest,
            newDigest: next.digest,
            expiresAt: this.tokens.refreshExpiry(now),
            now,
            reuseGraceMs: this.settings.refreshReuseGraceSeconds * 1000,
            maxLifetimeMs: this.settings.sessionMaxLifetimeSeconds * 1000,
          };
        },
        {
          // The session's user is the actor of its refresh (and of a detected reuse).
          metadata: (current: SessionState) =>
            metadataOf({ ...ctx, actorId: current.status === 'none' ? ctx.actorId : current.userId }),
          now,
          retries: 0,
        },
      );
    } catch (error) {
      if (error instanceof ConcurrencyError) throw invalidRefreshToken();
      throw error;
    }
    const { state, outcome } = decided;
    if (state.status === 'none') throw invalidRefreshToken();
    if (outcome === 'reused') {
      this.revocations.markRevoked(parsed.sessionId, now);
      throw new DomainError(
        'refresh_token_reused',
        'The refresh token was already used; the session is revoked.',
      );
    }
    if (refusal === 'ended') {
      // Ended by a "revoke all" that did not see it (missing from the read model): end it now, so
      // its access tokens are refused too, on every instance.
      await this.endSessions.endOne(
        parsed.sessionId,
        user?.sessionsEnded?.reason ?? 'logout-all',
        metadataOf(ctx),
      );
      throw new RefreshRefused('revoked');
    }
    if (refusal === 'inactive' || user === null) throw new RefreshRefused('inactive');
    return this.tokens.issue(
      {
        userId: user.id,
        sessionId: parsed.sessionId,
        role: user.role,
        refreshToken: next.token,
        refreshExpiresAt: state.expiresAt,
        clientId,
        // A refresh proves possession of the token, not the password: the last password proof stays.
        authTime: state.authTime,
        // The factors proved at login stay proved for the session's life.
        amr: state.amr,
      },
      now,
    );
  }

  /** Why a refresh was refused, read from the session's (cached) state after the refusal. */
  private async reasonOf(parsed: {
    readonly sessionId: string;
    readonly digest: string;
  }): Promise<TokenRejectionReason> {
    const { state } = await this.commands.load(sessionStreamId(parsed.sessionId), sessionDecider);
    if (state.status === 'none') return 'invalid';
    if (state.status === 'revoked') return 'revoked';
    if (state.currentDigest === parsed.digest) return 'expired';
    return state.supersededDigests.some((s) => s.digest === parsed.digest) ? 'superseded' : 'invalid';
  }
}
