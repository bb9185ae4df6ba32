import { inject, injectable } from 'tsyringe';
import { sessionStreamId } from '../../domain/session/session.events.js';
import { sessionDecider } from '../../domain/session/session.decider.js';
import { CommandHandler } from '../command-handler.js';
import { REFRESH_TOKEN_CODEC, type RefreshTokenCodec } from '../ports/token-service.port.js';
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
  ) {}

  /** With a refresh token: only a token this session really issued (current or rotated) ends it. */
  async withRefreshToken(refreshToken: string, ctx: RequestContext): Promise<void> {
    const parsed = this.refreshTokens.parse(refreshToken);
    if (parsed === null) return;
    const { state } = await this.commands.load(sessionStreamId(parsed.sessionId), sessionDecider);
    if (state.status !== 'active') return;
    if (state.currentDigest !== parsed.digest && !state.usedDigests.has(parsed.digest)) return;
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
