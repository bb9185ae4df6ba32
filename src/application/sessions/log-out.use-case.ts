import { inject, injectable } from 'tsyringe';
import { remembersDigest } from '../../domain/session/session.decider.js';
import { sessionStreamId } from '../../domain/session/session.events.js';
import { sessionDecider } from '../../domain/session/session.decider.js';
import { CommandHandler } from '../command-handler.js';
import {
  ACCESS_TOKEN_SERVICE,
  REFRESH_TOKEN_CODEC,
  type AccessTokenService,
  type RefreshTokenCodec,
} from '../ports/token-service.port.js';
import type { Principal } from '../auth/authenticate.use-case.js';
import { metadataOf, type RequestContext } from '../request-context.js';
import { EndSessions } from './end-sessions.js';

/** Idempotent: logging out of a revoked, unknown or already-ended session succeeds silently. */
@injectable()
export class LogOut {
  constructor(
    @inject(CommandHandler) private readonly commands: CommandHandler,
    @inject(REFRESH_TOKEN_CODEC) private readonly refreshTokens: RefreshTokenCodec,
    @inject(EndSessions) private readonly endSessions: EndSessions,
    @inject(ACCESS_TOKEN_SERVICE) private readonly accessTokens: AccessTokenService,
  ) {}

  /**
   * RFC 7009: whichever kind the token is (the hint only says which to try first, §2.1), its
   * session ends. Unknown, forged or already revoked tokens are no error: the answer must not tell
   * a caller whether a token was valid.
   */
  async revoke(
    token: string,
    hint: 'access_token' | 'refresh_token' | undefined,
    ctx: RequestContext,
  ): Promise<void> {
    if (hint !== 'access_token' && this.refreshTokens.parse(token) !== null) {
      await this.withRefreshToken(token, ctx);
      return;
    }
    const verified = await this.accessTokens.verify(token);
    if (verified !== null) {
      await this.endSessions.endOne(
        verified.sessionId,
        'user',
        metadataOf({ ...ctx, actorId: verified.userId }),
      );
    } else if (this.refreshTokens.parse(token) !== null) {
      await this.withRefreshToken(token, ctx);
    }
  }

  /** With a refresh token: only a token this session issued and remembers ends it (no forged one). */
  async withRefreshToken(refreshToken: string, ctx: RequestContext): Promise<void> {
    const parsed = this.refreshTokens.parse(refreshToken);
    if (parsed === null) return;
    const { state } = await this.commands.load(sessionStreamId(parsed.sessionId), sessionDecider);
    if (state.status !== 'active') return;
    if (!remembersDigest(state, parsed.digest)) return;
    await this.endSessions.endOne(parsed.sessionId, 'user', { ...metadataOf(ctx), actorId: state.userId });
  }

  async withAccessToken(principal: Principal, ctx: RequestContext): Promise<void> {
    await this.endSessions.endOne(
      principal.sessionId,
      'user',
      metadataOf({ ...ctx, actorId: principal.userId }),
    );
  }

  async everywhere(principal: Principal, ctx: RequestContext): Promise<number> {
    return this.endSessions.endAllOf(
      principal.userId,
      'logout-all',
      metadataOf({ ...ctx, actorId: principal.userId }),
    );
  }
}
