import type { Decider } from '../domain/shared/decider.js';
import type { DomainEvent } from '../domain/shared/event.js';
import {
  handleCommand,
  load,
  type CommandInput,
  type CommandOptions,
  type Handled,
} from './event-sourcing.js';
import type { EventStore } from './ports/event-store.port.js';
import type { Loaded } from './stream-state-cache.js';
import { StreamStateCache } from './stream-state-cache.js';

/**
 * The event store plus this instance's stream-state cache: what use cases write and read their
 * own streams through. One per container (registered by value), so every use case shares it.
 */
export class CommandHandler {
  constructor(
    private readonly store: EventStore,
    readonly cache: StreamStateCache = new StreamStateCache(),
  ) {}

  handle<Command, Event extends DomainEvent, State, Outcome>(
    streamId: string,
    decider: Decider<Command, Event, State, Outcome>,
    input: CommandInput<Command, State>,
    options: CommandOptions<State>,
  ): Promise<Handled<Event, State, Outcome>> {
    return handleCommand(this.store, streamId, decider, input, options, this.cache);
  }

  load<Command, Event extends DomainEvent, State, Outcome>(
    streamId: string,
    decider: Decider<Command, Event, State, Outcome>,
  ): Promise<Loaded<State>> {
    return load(this.store, streamId, decider, this.cache);
  }
}
