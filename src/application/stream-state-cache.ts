import { LRUCache } from 'lru-cache';
import type { DomainEvent } from '../domain/shared/event.js';
import type { Decider } from '../domain/shared/decider.js';

export interface Loaded<State> {
  readonly state: State;
  /** Stream version, 0 when the stream does not exist. */
  readonly version: number;
}

interface Entry {
  /** A stream read through another decider is another fold: the entry is only valid for this one. */
  readonly decider: object;
  readonly loaded: Loaded<unknown>;
}

/**
 * Folded state of recently used streams with the version it reflects. Never authoritative: a
 * reader catches up from the cached version, so an entry that another instance made stale only
 * costs a longer read, and an append at the stale version still fails with ConcurrencyError.
 */
export class StreamStateCache {
  private readonly entries: LRUCache<string, Entry>;

  constructor(maxStreams = 10_000) {
    this.entries = new LRUCache<string, Entry>({ max: maxStreams });
  }

  get<Command, Event extends DomainEvent, State, Outcome>(
    streamId: string,
    decider: Decider<Command, Event, State, Outcome>,
  ): Loaded<State> | undefined {
    const entry = this.entries.get(streamId);
    // States are immutable values, so sharing one between callers is safe.
    return entry?.decider === decider ? (entry.loaded as Loaded<State>) : undefined;
  }

  set<Command, Event extends DomainEvent, State, Outcome>(
    streamId: string,
    decider: Decider<Command, Event, State, Outcome>,
    loaded: Loaded<State>,
  ): void {
    const current = this.entries.get(streamId);
    // Two readers of one stream may finish out of order: never replace a newer fold by an older.
    if (current?.decider === decider && current.loaded.version > loaded.version) return;
    this.entries.set(streamId, { decider, loaded });
  }

  delete(streamId: string): void {
    this.entries.delete(streamId);
  }

  get size(): number {
    return this.entries.size;
  }
}
