import { isRegistered } from '../../domain/user/user.decider.js';
import { inject, injectable } from 'tsyringe';
import { DomainError } from '../../domain/shared/domain-error.js';
import type { Role } from '../../domain/user/role.js';
import { userStreamId } from '../../domain/user/user.events.js';
import type { UserCommand } from '../../domain/user/user.commands.js';
import type { Page, PageRequest } from '../pagination.js';
import { EVENT_STORE, type EventStore } from '../ports/event-store.port.js';
import { READ_MODEL_SYNC, type ReadModelSync } from '../ports/read-model-sync.port.js';
import { profileOfView, USER_READ_MODEL, type UserReadModel } from '../ports/user-read-model.port.js';
import { metadataOf, type RequestContext } from '../request-context.js';
import { EndSessions } from '../sessions/end-sessions.js';
import { profileOf, type UserProfile } from '../user-profile.js';
import { UserRepository } from '../users/user-repository.js';
import { publicEvent, type PublicEvent } from './public-event.js';
import { userNotFound } from '../../domain/shared/refusals.js';

/** An administrator who deactivates or demotes themselves may leave nobody able to undo it. */
const refuseSelf = (userId: string, ctx: RequestContext, what: string): void => {
  if (ctx.actorId === userId) {
    throw new DomainError(
      'conflict',
      `Administrators cannot ${what} their own account; ask another administrator.`,
    );
  }
};

/** What administrators do to other accounts. Every change names the acting admin in its metadata. */
@injectable()
export class AdministerUsers {
  constructor(
    @inject(EVENT_STORE) private readonly store: EventStore,
    @inject(USER_READ_MODEL) private readonly userViews: UserReadModel,
    @inject(READ_MODEL_SYNC) private readonly sync: ReadModelSync,
    @inject(UserRepository) private readonly users: UserRepository,
    @inject(EndSessions) private readonly endSessions: EndSessions,
  ) {}

  async search(q: string | undefined, page: PageRequest): Promise<Page<UserProfile>> {
    if (page.after === undefined) await this.sync.catchUp();
    const found = await this.userViews.search({ q, ...page });
    return { items: found.items.map(profileOfView), nextAfter: found.nextAfter };
  }

  async get(userId: string): Promise<UserProfile> {
    const user = await this.users.stateOf(userId);
    if (user.status === 'erased') throw new DomainError('user_erased', 'The user was erased.');
    if (!isRegistered(user)) throw userNotFound();
    return profileOf(user);
  }

  /** Deactivation also ends every session, so the account's tokens stop working at once. */
  async deactivate(userId: string, ctx: RequestContext): Promise<UserProfile> {
    refuseSelf(userId, ctx, 'deactivate');
    const user = await this.change(userId, { type: 'Deactivate' }, ctx);
    await this.endSessions.endAllOf(userId, 'deactivation', metadataOf(ctx));
    return user;
  }

  async reactivate(userId: string, ctx: RequestContext): Promise<UserProfile> {
    return this.change(userId, { type: 'Reactivate' }, ctx);
  }

  /** A demotion ends the user's sessions: tokens carry the role, and must not outlive it. */
  async changeRole(userId: string, role: Role, ctx: RequestContext): Promise<UserProfile> {
    if (role !== 'admin') refuseSelf(userId, ctx, 'demote');
    const before = await this.users.find(userId);
    if (before === null) throw userNotFound();
    const user = await this.change(userId, { type: 'ChangeRole', role }, ctx);
    if (before.role === 'admin' && role !== 'admin')
      await this.endSessions.endAllOf(userId, 'admin', metadataOf(ctx));
    return user;
  }

  async revokeSessions(userId: string, ctx: RequestContext): Promise<number> {
    if ((await this.users.find(userId)) === null) throw userNotFound();
    return this.endSessions.endAllOf(userId, 'admin', metadataOf(ctx));
  }

  /** The user's own stream, secrets removed, in order; `after` is a stream version. */
  async events(userId: string, page: PageRequest): Promise<Page<PublicEvent>> {
    const events = await this.store.readStream(userStreamId(userId), (page.after ?? 0) + 1);
    if (events.length === 0 && page.after === undefined) throw userNotFound();
    const items = events.slice(0, page.limit).map(publicEvent);
    const more = events.length > page.limit;
    return { items, nextAfter: more ? (items.at(-1)?.streamVersion ?? null) : null };
  }

  private async change(userId: string, command: UserCommand, ctx: RequestContext): Promise<UserProfile> {
    const { state } = await this.users.change(userId, command, metadataOf(ctx));
    if (!isRegistered(state)) throw userNotFound();
    return profileOf(state);
  }
}
