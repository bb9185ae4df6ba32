import type { StoredEvent } from '../../src/application/ports/event-store.port.js';
import { foldProjection } from '../../src/application/projections/projection.js';
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
export const fold = foldProjection;
