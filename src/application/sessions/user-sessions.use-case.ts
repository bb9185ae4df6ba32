import { inject, injectable } from 'tsyringe';
import { DomainError } from '../../domain/shared/domain-error.js';
import { sessionStreamId } from '../../domain/session/session.events.js';
import { sessionDecider } from '../../domain/session/session.decider.js';
import { CommandHandler } from '../command-handler.js';
import type { Page, PageRequest } from '../pagination.js';
import { CLOCK, type Clock } from '../ports/clock.port.js';
import { READ_MODEL_SYNC, type ReadModelSync } from '../ports/read-model-sync.port.js';
import {
  SESSION_READ_MODEL,
  type SessionReadModel,
  type SessionView,
} from '../ports/session-read-model.port.js';
import type { Principal } from '../auth/authenticate.use-case.js';
import { metadataOf, type RequestContext } from '../request-context.js';
import { EndSessions } from './end-sessions.js';

export interface ListedSession extends SessionView {
  readonly current: boolean;
}

/** The signed-in user's own sessions: list them, end one. */
@injectable()
export class UserSessions {
  constructor(
    @inject(CommandHandler) private readonly commands: CommandHandler,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(SESSION_READ_MODEL) private readonly sessions: SessionReadModel,
    @inject(READ_MODEL_SYNC) private readonly sync: ReadModelSync,
    @inject(EndSessions) private readonly endSessions: EndSessions,
  ) {}

  async list(principal: Principal, page: PageRequest): Promise<Page<ListedSession>> {
    await this.sync.catchUp();
    const found = await this.sessions.activeOf(principal.userId, this.clock.now(), page);
    return { ...found, items: found.items.map((s) => ({ ...s, current: s.id === principal.sessionId })) };
  }

  /** Someone else's session answers exactly like a missing one. */
  async revoke(principal: Principal, sessionId: string, ctx: RequestContext): Promise<void> {
    const { state } = await this.commands.load(sessionStreamId(sessionId), sessionDecider);
    if (state.status === 'none' || state.userId !== principal.userId) {
      throw new DomainError('session_not_found', 'No such session.');
    }
    await this.endSessions.endOne(sessionId, 'user', metadataOf({ ...ctx, actorId: principal.userId }));
  }
}
