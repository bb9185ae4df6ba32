import type { DomainEvent } from '../domain/shared/event.js';
import type { Recorded } from '../domain/user/user.decider.js';
import type {
  AppendResult,
  EventMetadata,
  EventStore,
  ExpectedVersion,
  StoredEvent,
} from './ports/event-store.port.js';
import { ConcurrencyError } from './ports/event-store.port.js';
import { upcast } from './upcasters.js';

export interface Decider<Command, Event extends DomainEvent, State> {
  readonly initialState: () => State;
  readonly evolve: (state: State, event: Recorded<Event>) => State;
  readonly decide: (command: Command, state: State) => Event[];
}

export interface Loaded<State> {
  readonly state: State;
  /** Stream version, 0 when the stream does not exist. */
  readonly version: number;
}

/** Our own streams hold only events our deciders produced, so the type is known by construction. */
export const asRecorded = <Event extends DomainEvent>(event: StoredEvent): Recorded<Event> => {
  const current = upcast(event);
  return {
    type: current.type,
    data: current.data,
    occurredAt: current.occurredAt,
  } as unknown as Recorded<Event>;
};

export async function load<Command, Event extends DomainEvent, State>(
  store: EventStore,
  streamId: string,
  decider: Decider<Command, Event, State>,
): Promise<Loaded<State>> {
  const events = await store.readStream(streamId);
  let state = decider.initialState();
  for (const event of events) state = decider.evolve(state, asRecorded<Event>(event));
  return { state, version: events.at(-1)?.streamVersion ?? 0 };
}

export interface Decided<Event, State> {
  readonly events: readonly Event[];
  readonly state: State;
  /** Null when the command changed nothing. */
  readonly appended: AppendResult | null;
}

export interface HandleOptions {
  readonly metadata: EventMetadata;
  readonly now: Date;
  /** Re-read and re-decide this many times when another writer got there first. */
  readonly retries?: number;
}

const expectedFor = (version: number): ExpectedVersion => (version === 0 ? 'no_stream' : version);

/**
 * Load → decide → append at the version that was read. A concurrent writer makes the append fail
 * with ConcurrencyError; by default the command is decided again on the fresh state.
 */
export async function handle<Command, Event extends DomainEvent, State>(
  store: EventStore,
  streamId: string,
  decider: Decider<Command, Event, State>,
  command: Command,
  options: HandleOptions,
): Promise<Decided<Event, State>> {
  for (let attempt = 0; ; attempt++) {
    const { state, version } = await load(store, streamId, decider);
    const events = decider.decide(command, state);
    if (events.length === 0) return { events, state, appended: null };
    try {
      const appended = await store.append({
        streamId,
        expectedVersion: expectedFor(version),
        events: events.map((e) => ({ type: e.type, data: e.data as Record<string, unknown> })),
        metadata: options.metadata,
        occurredAt: options.now,
      });
      let next = state;
      for (const event of events) next = decider.evolve(next, { ...event, occurredAt: options.now });
      return { events, state: next, appended };
    } catch (error) {
      if (!(error instanceof ConcurrencyError) || attempt >= (options.retries ?? 3)) throw error;
    }
  }
}
