import { inject, injectable } from 'tsyringe';
import { DomainError } from '../../domain/shared/domain-error.js';
import { userStreamId } from '../../domain/user/user.events.js';
import type { Principal } from '../auth/authenticate.use-case.js';
import { CommandHandler } from '../command-handler.js';
import { READ_MODEL_SYNC, type ReadModelSync } from '../ports/read-model-sync.port.js';
import { profileOfView, USER_READ_MODEL, type UserReadModel } from '../ports/user-read-model.port.js';
import { profileOf, type UserProfile } from '../user-profile.js';
import { UserRepository } from './user-repository.js';

/**
 * How long a request waits for this instance's read models to include its own last write to the
 * user before reading the stream instead. The runner wakes on every local append, so it is
 * normally a few milliseconds behind.
 */
const READ_YOUR_WRITES_WAIT_MS = 100;

/**
 * `GET /users/me` (and `/auth/me`, `/userinfo`) from the users read model, without reading the
 * user's stream (issue 15): served once the read models include the last position this instance
 * appended to that stream, so a change made here is seen here at once. Changes made on another
 * instance show once this one's runner has read them (its poll interval). A user the read model
 * does not know yet (registered elsewhere a moment ago), or a runner too slow to catch up, falls
 * back to the stream.
 */
@injectable()
export class GetCurrentUser {
  constructor(
    @inject(UserRepository) private readonly users: UserRepository,
    @inject(CommandHandler) private readonly commands: CommandHandler,
    @inject(USER_READ_MODEL) private readonly readModel: UserReadModel,
    @inject(READ_MODEL_SYNC) private readonly sync: ReadModelSync,
  ) {}

  async execute(principal: Principal): Promise<UserProfile> {
    const profile = (await this.fromReadModel(principal.userId)) ?? (await this.fromStream(principal.userId));
    if (!profile.isActive) throw new DomainError('account_inactive', 'The account is deactivated.');
    return profile;
  }

  private async fromReadModel(userId: string): Promise<UserProfile | null> {
    const written = this.commands.lastWritten(userStreamId(userId));
    if (!(await this.sync.waitFor(written, READ_YOUR_WRITES_WAIT_MS))) return null;
    const view = await this.readModel.byId(userId);
    return view === null ? null : profileOfView(view);
  }

  private async fromStream(userId: string): Promise<UserProfile> {
    const user = await this.users.find(userId);
    if (user === null) throw new DomainError('user_not_found', 'The user no longer exists.');
    return profileOf(user);
  }
}
