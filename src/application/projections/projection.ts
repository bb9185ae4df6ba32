import type { DomainEvent, Recorded } from '../../domain/shared/event.js';
import type { StoredEvent } from '../ports/event-store.port.js';
import { upcast } from '../upcasters.js';

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
   * a document keeps once that data is gone. Applied to each of a user's documents when
   * `UserErased` is projected, so the live read model equals a rebuild, in which those fields
   * read as null.
   */
  scrubPersonal?(doc: Doc): Doc;
  /**
   * Where a document's personal data comes from an attempt (see PERSONAL_FIELDS `expires`): the
   * field with that attempt's instant. When `PersonalDataExpired` for a day is projected, the
   * documents whose attempt fell on that day are scrubbed too.
   */
  readonly attemptTimeField?: string;
}

/** An event of a projection's own types, upcast, with where and when (ISO 8601) it was stored. */
export type Projected<Event extends DomainEvent> = Recorded<Event> & {
  readonly position: number;
  readonly at: string;
};

/** A projection written against its own events: `defineProjection` narrows every stored one. */
export interface ProjectionSpec<Doc extends object, Event extends DomainEvent> extends Omit<
  Projection<Doc>,
  'documentId' | 'evolve'
> {
  documentId(event: Projected<Event>): string | null;
  evolve(doc: Doc | null, event: Projected<Event>): Doc | null;
}

/**
 * The store holds what the deciders emitted, so once its type is one of `eventTypes` (and it is
 * upcast) an event is trusted to be `Event`; any other leaves the document as it is.
 */
export function defineProjection<Doc extends object, Event extends DomainEvent>(
  spec: ProjectionSpec<Doc, Event>,
): Projection<Doc> {
  const projected = (event: StoredEvent): Projected<Event> | null =>
    spec.eventTypes.has(event.type)
      ? (new ProjectedEvent(upcast(event)) as unknown as Projected<Event>)
      : null;
  return {
    ...spec,
    documentId: (event) => {
      const e = projected(event);
      return e === null ? null : spec.documentId(e);
    },
    evolve: (doc, event) => {
      const e = projected(event);
      return e === null ? doc : spec.evolve(doc, e);
    },
  };
}

/**
 * One class for every projected event, so the runner's hot loop sees one shape; `at` is formatted
 * only where it is read (every evolve, hardly any documentId).
 */
class ProjectedEvent {
  readonly type: string;
  readonly data: Readonly<Record<string, unknown>>;
  readonly occurredAt: Date;
  readonly position: number;
  constructor(event: StoredEvent) {
    this.type = event.type;
    this.data = event.data;
    this.occurredAt = event.occurredAt;
    this.position = event.position;
  }
  get at(): string {
    return this.occurredAt.toISOString();
  }
}

/** What a projection makes of `events`, folded in order without any store: id → document. */
export function foldProjection<Doc extends object>(
  projection: Projection<Doc>,
  events: readonly StoredEvent[],
): Map<string, Doc> {
  const docs = new Map<string, Doc>();
  for (const event of events) {
    if (!projection.eventTypes.has(event.type)) continue;
    const id = projection.documentId(event);
    if (id === null) continue;
    const next = projection.evolve(docs.get(id) ?? null, event);
    if (next !== null) docs.set(id, next);
  }
  return docs;
}
