import type { StoredEvent } from '../ports/event-store.port.js';

/**
 * A projection is pure: which documents an event touches and how each one changes. The projection
 * runner (infrastructure) does the I/O, batching and checkpointing.
 */
export interface Projection<Doc extends object> {
  /** Stable name; it keys the checkpoint. */
  readonly name: string;
  readonly eventTypes: ReadonlySet<string>;
  documentId(event: StoredEvent): string | null;
  evolve(doc: Doc | null, event: StoredEvent): Doc | null;
}
