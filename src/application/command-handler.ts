import type { Decider } from '../domain/shared/decider.js';
import type { DomainEvent } from '../domain/shared/event.js';
import {
  handleCommand,
  load,
  type CommandInput,
  type CommandOptions,
  type Handled,
} from './event-sourcing.js';
import { LRUCache } from 'lru-cache';
import type { AppendRequest, AppendResult, EventStore } from './ports/event-store.port.js';
import type { Loaded } from './stream-state-cache.js';
import { StreamStateCache } from './stream-state-cache.js';

/**
 * The event store plus this instance's stream-state cache: what use cases write and read their
 * own streams through. One per container (registered by value), so every use case shares it.
 *
 * It also remembers the global position of this instance's last append to each recent stream,
 * so a query can be served from a read model once that model has reached it (read-your-writes on
 * the instance that wrote) instead of reading the stream. A stream it no longer remembers answers
 * the highest position it forgot, which is never below that stream's last write here.
 */
export class CommandHandler {
  private readonly written: LRUCache<string, number>;
  private forgotten = 0;

  constructor(
    private readonly store: EventStore,
    readonly cache: StreamStateCache = new StreamStateCache(),
    maxWrittenStreams = 10_000,
  ) {
    this.written = new LRUCache<string, number>({
      max: maxWrittenStreams,
      dispose: (position, _streamId, reason) => {
        if (reason === 'evict') this.forgotten = Math.max(this.forgotten, position);
      },
    });
  }

  async handle<Command, Event extends DomainEvent, State, Outcome>(
    streamId: string,
    decider: Decider<Command, Event, State, Outcome>,
    input: CommandInput<Command, State>,
    options: CommandOptions<State>,
  ): Promise<Handled<Event, State, Outcome>> {
    const handled = await handleCommand(this.store, streamId, decider, input, options, this.cache);
    if (handled.appended !== null) {
      const previous = this.written.get(streamId) ?? 0;
      this.written.set(streamId, Math.max(previous, handled.appended.position));
    }
    return handled;
  }

  /**
   * Appends events no state decides: a minute's tally of refusals, a released guess, the first
   * event of a stream named by a fresh secret, an audit checkpoint at the version its writer read.
   * The request's `expectedVersion` is the whole rule (`any`, `no_stream` or a version); no stream
   * is loaded and a ConcurrencyError reaches the caller. The one write path besides `handle`. A
   * cached state of the stream stays valid: `load` catches it up from its version.
   */
  async record(request: AppendRequest): Promise<AppendResult> {
    const appended = await this.store.append(request);
    const previous = this.written.get(request.streamId) ?? 0;
    this.written.set(request.streamId, Math.max(previous, appended.position));
    return appended;
  }

  /** A position at or past this instance's last append to `streamId` (0: none it knows of). */
  lastWritten(streamId: string): number {
    return this.written.get(streamId) ?? this.forgotten;
  }

  load<Command, Event extends DomainEvent, State, Outcome>(
    streamId: string,
    decider: Decider<Command, Event, State, Outcome>,
  ): Promise<Loaded<State>> {
    return load(this.store, streamId, decider, this.cache);
  }
}
