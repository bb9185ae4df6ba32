import { inject, injectable } from 'tsyringe';
import { userStreamId } from '../../domain/user/user.events.js';
import type { RegisteredUser } from '../../domain/user/user.decider.js';
import { userDecider } from '../deciders.js';
import { load } from '../event-sourcing.js';
import { EVENT_STORE, type EventStore } from '../ports/event-store.port.js';

/** Reads a user from its stream: the write side, so it is current the moment an append returns. */
@injectable()
export class UserRepository {
  constructor(@inject(EVENT_STORE) private readonly store: EventStore) {}

  async find(userId: string): Promise<RegisteredUser | null> {
    const { state } = await load(this.store, userStreamId(userId), userDecider);
    return state.status === 'unregistered' ? null : state;
  }
}
