import type { StoredEvent } from '../../src/application/ports/event-store.port.js';
import type { Projection } from '../../src/application/projections/projection.js';
import type { DomainEvent } from '../../src/domain/shared/event.js';

/** A domain event as the store would hand it back at `position`, `at` an ISO instant. */
export function stored<E extends DomainEvent>(
  event: E,
  position: number,
  at: string,
  stream: { readonly streamId?: string; readonly streamVersion?: number } = {},
): StoredEvent {
  return {
    type: event.type,
    version: 1,
    streamId: stream.streamId ?? 'test-stream',
    streamVersion: stream.streamVersion ?? 1,
    position,
    occurredAt: new Date(at),
    data: event.data as Readonly<Record<string, unknown>>,
    metadata: {},
    hash: null,
    prevHash: null,
  };
}

/** What a projection makes of `events`, folded in order without any store: id → document. */
export function fold<Doc extends object>(
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
