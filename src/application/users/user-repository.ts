import { isRegistered } from '../../domain/user/user.decider.js';
import { inject, injectable } from 'tsyringe';
import { userStreamId } from '../../domain/user/user.events.js';
import type { RegisteredUser, UserState } from '../../domain/user/user.decider.js';
import { userDecider } from '../../domain/user/user.decider.js';
import { CommandHandler } from '../command-handler.js';

/** Reads a user from its stream: the write side, so it is current the moment an append returns. */
@injectable()
export class UserRepository {
  constructor(@inject(CommandHandler) private readonly commands: CommandHandler) {}

  async find(userId: string): Promise<RegisteredUser | null> {
    const state = await this.stateOf(userId);
    return !isRegistered(state) ? null : state;
  }

  /** Unregistered, registered or erased. */
  async stateOf(userId: string): Promise<UserState> {
    return (await this.commands.load(userStreamId(userId), userDecider)).state;
  }
}
