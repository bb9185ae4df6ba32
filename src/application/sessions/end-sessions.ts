import { inject, injectable } from 'tsyringe';
import type { LogoutReason } from '../../domain/session/session.events.js';
import { sessionStreamId } from '../../domain/session/session.events.js';
import { sessionDecider } from '../../domain/session/session.decider.js';
import type { AllSessionsEnded } from '../../domain/user/user.events.js';
import { CommandHandler } from '../command-handler.js';
import { AUTH_SETTINGS, type AuthSettings } from '../ports/auth-settings.port.js';
import { CLOCK, type Clock } from '../ports/clock.port.js';
import { type EventMetadata } from '../ports/event-store.port.js';
import { READ_MODEL_SYNC, type ReadModelSync } from '../ports/read-model-sync.port.js';
import { SESSION_READ_MODEL, type SessionReadModel } from '../ports/session-read-model.port.js';
import { SESSION_REVOCATIONS, type SessionRevocations } from '../ports/session-revocations.port.js';
import { UserRepository } from '../users/user-repository.js';

/** Revokes sessions: `LoggedOut` in each session's stream, effective at once on this instance. */
@injectable()
export class EndSessions {
  constructor(
    @inject(CommandHandler) private readonly commands: CommandHandler,
    @inject(UserRepository) private readonly users: UserRepository,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(SESSION_REVOCATIONS) private readonly revocations: SessionRevocations,
    @inject(SESSION_READ_MODEL) private readonly sessions: SessionReadModel,
    @inject(READ_MODEL_SYNC) private readonly sync: ReadModelSync,
    @inject(AUTH_SETTINGS) private readonly settings: AuthSettings,
  ) {}

  async endOne(sessionId: string, reason: LogoutReason, metadata: EventMetadata): Promise<void> {
    const now = this.clock.now();
    await this.commands.handle(
      sessionStreamId(sessionId),
      sessionDecider,
      { type: 'EndSession', reason },
      { metadata, now },
    );
    this.revocations.markRevoked(sessionId, now);
  }

  /**
   * Ends every session of a user whose tokens may still work, except `keep`. First the cut-off
   * goes into the user's stream (`AllSessionsEnded`): that alone ends every older session, as
   * refresh checks it, so a session missing from the read model (an edited database) is ended
   * too. Then each session the read model lists, once caught up with the log's head, gets its
   * `LoggedOut`, which revokes its access tokens on every instance at once.
   */
  async endAllOf(
    userId: string,
    reason: AllSessionsEnded['data']['reason'],
    metadata: EventMetadata,
    keep?: string,
  ): Promise<number> {
    const kept = keep === undefined ? null : await this.startOf(keep);
    await this.users.change(userId, { type: 'EndAllSessions', reason, keep: kept }, metadata);
    await this.sync.catchUp();
    // A session whose refresh token just expired may still have a live access token.
    const horizon = new Date(this.clock.now().getTime() - this.settings.accessTokenTtlSeconds * 1000);
    const ids: string[] = [];
    let after: number | undefined;
    do {
      const page = await this.sessions.activeOf(userId, horizon, { limit: 200, after });
      ids.push(...page.items.map((s) => s.id).filter((id) => id !== keep));
      after = page.nextAfter ?? undefined;
    } while (after !== undefined);
    for (const id of ids) await this.endOne(id, reason, metadata);
    return ids.length;
  }

  /** When a session started, from its own stream (null when it has no stream). */
  private async startOf(sessionId: string): Promise<{ sessionId: string; startedAt: Date } | null> {
    const { state } = await this.commands.load(sessionStreamId(sessionId), sessionDecider);
    return state.status === 'none' ? null : { sessionId, startedAt: state.createdAt };
  }
}
