import { inject, injectable } from 'tsyringe';
import type { UserCommand } from '../../domain/user/user.commands.js';
import type { MfaOutcome } from '../../domain/user/mfa.js';
import { userStreamId, type UserEvent } from '../../domain/user/user.events.js';
import {
  isRegistered,
  userDecider,
  type RegisteredUser,
  type UserState,
} from '../../domain/user/user.decider.js';
import { CommandHandler } from '../command-handler.js';
import type { CommandInput, CommandOptions, Handled } from '../event-sourcing.js';
import { CLOCK, type Clock } from '../ports/clock.port.js';
import type { Loaded } from '../stream-state-cache.js';

export type UserChange = CommandInput<UserCommand, UserState>;
export type UserChanged = Handled<UserEvent, UserState, MfaOutcome>;

/**
 * An account's stream: read from the write side (current the moment an append returns), and the
 * one way a use case decides on it, so the stream id, the decider and the clock are named once.
 */
@injectable()
export class UserRepository {
  constructor(
    @inject(CommandHandler) private readonly commands: CommandHandler,
    @inject(CLOCK) private readonly clock: Clock,
  ) {}

  async find(userId: string): Promise<RegisteredUser | null> {
    const state = await this.stateOf(userId);
    return !isRegistered(state) ? null : state;
  }

  /** Unregistered, registered or erased. */
  async stateOf(userId: string): Promise<UserState> {
    return (await this.load(userId)).state;
  }

  load(userId: string): Promise<Loaded<UserState>> {
    return this.commands.load(userStreamId(userId), userDecider);
  }

  /** Decides `change` on the account's stream (retried on a conflict unless `retries` says not). */
  change(
    userId: string,
    change: UserChange,
    metadata: CommandOptions<UserState>['metadata'],
    options: { readonly now?: Date; readonly retries?: number } = {},
  ): Promise<UserChanged> {
    return this.commands.handle(userStreamId(userId), userDecider, change, {
      metadata,
      now: options.now ?? this.clock.now(),
      ...(options.retries === undefined ? {} : { retries: options.retries }),
    });
  }
}
