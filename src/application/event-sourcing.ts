import { decisionOf, type Decider } from '../domain/shared/decider.js';
import type { DomainEvent, Recorded } from '../domain/shared/event.js';
import { jitteredBackoff, type BackoffPolicy } from './concurrency/backoff.js';
import type {
  AppendResult,
  EventMetadata,
  EventStore,
  ExpectedVersion,
  StoredEvent,
} from './ports/event-store.port.js';
import { ConcurrencyError } from './ports/event-store.port.js';
import type { Loaded, StreamStateCache } from './stream-state-cache.js';
import { upcast } from './upcasters.js';

/** Our own streams hold only events our deciders produced, so the type is known by construction. */
export const asRecorded = <Event extends DomainEvent>(event: StoredEvent): Recorded<Event> => {
  const current = upcast(event);
  return {
    type: current.type,
    data: current.data,
    occurredAt: current.occurredAt,
  } as unknown as Recorded<Event>;
};

/** The stream's state, caught up from the cached version when there is one. */
export async function load<Command, Event extends DomainEvent, State, Outcome>(
  store: EventStore,
  streamId: string,
  decider: Decider<Command, Event, State, Outcome>,
  cache?: StreamStateCache,
): Promise<Loaded<State>> {
  const cached = cache?.get(streamId, decider);
  let state = cached?.state ?? decider.initialState();
  let version = cached?.version ?? 0;
  const events = await store.readStream(streamId, version + 1);
  for (const event of events) {
    state = decider.evolve(state, asRecorded<Event>(event));
    version = event.streamVersion;
  }
  const loaded = { state, version };
  if (cache !== undefined && (cached === undefined || events.length > 0))
    cache.set(streamId, decider, loaded);
  return loaded;
}

/**
 * One command, several decided in order on the evolving state and appended together, or a
 * function of the current state and version that may look things up first (and answer `[]`).
 */
export type Lookup<Command, State> = (
  state: State,
  version: number,
) => Command | readonly Command[] | Promise<Command | readonly Command[]>;
export type CommandInput<Command, State> = Command | readonly Command[] | Lookup<Command, State>;

export interface Handled<Event, State, Outcome> {
  readonly events: readonly Event[];
  /** The state after the events; the state read when nothing was appended. */
  readonly state: State;
  readonly version: number;
  /** The last outcome a decision named, if any. */
  readonly outcome: Outcome | undefined;
  /** Null when the command changed nothing. */
  readonly appended: AppendResult | null;
}

export interface CommandOptions<State = unknown> {
  /**
   * Stored with the events. A function of the state read when the actor is only known from the
   * stream (a refresh token names its session, the session names its user).
   */
  readonly metadata: EventMetadata | ((state: State) => EventMetadata);
  readonly now: Date;
  /** Decide again this many times when another writer got there first, then throw ConcurrencyError. */
  readonly retries?: number;
  readonly backoff?: BackoffPolicy;
}

const DEFAULT_RETRIES = 3;
const COMMAND_BACKOFF: BackoffPolicy = { baseMs: 1, maxMs: 32 };

const expectedFor = (version: number): ExpectedVersion => (version === 0 ? 'no_stream' : version);

// Commands are plain data, never functions or arrays, so the input's shape tells the cases apart.
const isLookup = <Command, State>(input: CommandInput<Command, State>): input is Lookup<Command, State> =>
  typeof input === 'function';
const isCommandList = <Command>(given: Command | readonly Command[]): given is readonly Command[] =>
  Array.isArray(given);

const commandsOf = async <Command, State>(
  input: CommandInput<Command, State>,
  loaded: Loaded<State>,
): Promise<readonly Command[]> => {
  const given = isLookup(input) ? await input(loaded.state, loaded.version) : input;
  return isCommandList(given) ? given : [given];
};

/**
 * The one write path: load (from the cache's version on) → look up → decide → append at the
 * version read. On ConcurrencyError the cached state is dropped and the command decided again on
 * the fresh state after a jittered backoff.
 */
export async function handleCommand<Command, Event extends DomainEvent, State, Outcome>(
  store: EventStore,
  streamId: string,
  decider: Decider<Command, Event, State, Outcome>,
  input: CommandInput<Command, State>,
  options: CommandOptions<State>,
  cache?: StreamStateCache,
): Promise<Handled<Event, State, Outcome>> {
  const retries = options.retries ?? DEFAULT_RETRIES;
  for (let attempt = 1; ; attempt++) {
    const loaded = await load(store, streamId, decider, cache);
    const events: Event[] = [];
    let state = loaded.state;
    let outcome: Outcome | undefined;
    for (const command of await commandsOf(input, loaded)) {
      const decided = decisionOf(decider.decide(command, state));
      if (decided.outcome !== undefined) outcome = decided.outcome;
      for (const event of decided.events) {
        events.push(event);
        state = decider.evolve(state, { ...event, occurredAt: options.now });
      }
    }
    if (events.length === 0) return { events, state, version: loaded.version, outcome, appended: null };
    try {
      const appended = await store.append({
        streamId,
        expectedVersion: expectedFor(loaded.version),
        events: events.map((e) => ({ type: e.type, data: e.data as Record<string, unknown> })),
        metadata: typeof options.metadata === 'function' ? options.metadata(loaded.state) : options.metadata,
        occurredAt: options.now,
      });
      const version = appended.nextExpectedVersion;
      cache?.set(streamId, decider, { state, version });
      return { events, state, version, outcome, appended };
    } catch (error) {
      if (!(error instanceof ConcurrencyError)) throw error;
      cache?.delete(streamId);
      if (attempt > retries) throw error;
      await jitteredBackoff(attempt, options.backoff ?? COMMAND_BACKOFF);
    }
  }
}
