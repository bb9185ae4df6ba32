import type { StoredEvent } from '../../application/ports/event-store.port.js';

/**
 * Something that reacts to the event log (a read model, the revocation list): fed by the one
 * `LogFollower` of the process, in position order, from its own checkpoint.
 */
export interface LogConsumer {
  /** Unique per follower (read models use their read-model name). */
  readonly name: string;
  /** Where to resume: its stored checkpoint, read at start and after a reset. */
  checkpoint(): Promise<number>;
  /**
   * Handles `events` (every one above the checkpoint, position order) and stores the new
   * checkpoint, the last event's position. Throwing makes the follower retry from the checkpoint.
   */
  handle(events: readonly StoredEvent[]): Promise<void>;
  /**
   * After a read that reached the log's head: the consumer has seen every event committed before
   * `readStartedAt` (ms since the epoch). Lets a consumer say how current its view is.
   */
  caughtUp?(readStartedAt: number): void;
}
