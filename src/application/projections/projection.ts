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
  /**
   * For read models holding personal data of many documents per user (sessions, attempts): what
   * a document of an erased user keeps. Applied to each of them when `UserErased` is projected,
   * so the live read model equals a rebuild, in which those fields read as null.
   */
  scrubErased?(doc: Doc): Doc;
}
