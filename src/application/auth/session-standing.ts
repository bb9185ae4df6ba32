import { isRegistered } from '../../domain/user/user.decider.js';
import { inject, injectable } from 'tsyringe';
import { sessionDecider } from '../../domain/session/session.decider.js';
import { sessionStreamId } from '../../domain/session/session.events.js';
import { sessionEndedByUser, userDecider } from '../../domain/user/user.decider.js';
import { userStreamId } from '../../domain/user/user.events.js';
import { CommandHandler } from '../command-handler.js';

/**
 * Whether a session is over, decided from the store alone: its own stream (a `LoggedOut`) and its
 * user's latest cut-off (`AllSessionsEnded`). The fallback of token verification when this
 * instance's view of revocations is stale; a store that does not answer throws
 * `StoreUnavailableError` (503), never "valid".
 */
@injectable()
export class SessionStanding {
  constructor(@inject(CommandHandler) private readonly commands: CommandHandler) {}

  async ended(sessionId: string, userId: string): Promise<boolean> {
    const [{ state: session }, { state: user }] = await Promise.all([
      this.commands.load(sessionStreamId(sessionId), sessionDecider),
      this.commands.load(userStreamId(userId), userDecider),
    ]);
    if (session.status !== 'active' || session.userId !== userId) return true;
    if (!isRegistered(user)) return true;
    return sessionEndedByUser(user, sessionId, session.createdAt);
  }
}
