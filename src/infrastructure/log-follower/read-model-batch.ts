import type { StoredEvent } from '../../application/ports/event-store.port.js';
import type { DocChange, ProjectionStore } from '../../application/ports/projection-store.port.js';
import type { Projection } from '../../application/projections/projection.js';
import { USER_ERASED } from '../../application/privacy/personal-fields.js';
import { PERSONAL_DATA_EXPIRED, isPersonalDataExpiredData } from '../../domain/privacy/retention.events.js';
import type { LogConsumer } from './log-consumer.js';

/** A projection wired to its store, with the document type erased so different ones share a list. */
export interface ProjectionBinding extends LogConsumer {
  /** Applies `events` (position order) with one `load` and one `save`. Replays change nothing. */
  apply(events: readonly StoredEvent[]): Promise<void>;
  saveCheckpoint(position: number): Promise<void>;
  reset(): Promise<void>;
}

export function bind<Doc extends object>(
  projection: Projection<Doc>,
  store: ProjectionStore<Doc>,
): ProjectionBinding {
  const apply = (events: readonly StoredEvent[]): Promise<void> => applyBatch(projection, store, events);
  return {
    name: projection.name,
    apply,
    // The checkpoint is saved only after the documents: a crash in between replays harmlessly.
    handle: async (events) => {
      const last = events.at(-1);
      if (last === undefined) return;
      await apply(events);
      await store.saveCheckpoint(last.position);
    },
    checkpoint: () => store.checkpoint(),
    saveCheckpoint: (position) => store.saveCheckpoint(position),
    reset: () => store.reset(),
  };
}

/**
 * Every document the batch touches is loaded once, evolved in memory in position order, and
 * written once with the position of the last event applied to it. An event at or below a
 * document's stored position was applied before a crash and is skipped, so a replay is harmless.
 * `evolve` returning null or the same document means there is nothing to write (the store has
 * no delete: no read model of ours removes documents).
 */
async function applyBatch<Doc extends object>(
  projection: Projection<Doc>,
  store: ProjectionStore<Doc>,
  events: readonly StoredEvent[],
): Promise<void> {
  const touched: { readonly id: string; readonly event: StoredEvent }[] = [];
  for (const event of events) {
    if (!projection.eventTypes.has(event.type)) continue;
    const id = projection.documentId(event);
    if (id !== null) touched.push({ id, event });
  }
  if (touched.length > 0) await evolveTouched(projection, store, touched);
  await scrubPersonal(projection, store, events);
}

/** The day after `period` (`YYYY-MM-DD`), the end of its range. */
const dayAfter = (period: string): string =>
  new Date(Date.parse(`${period}T00:00:00.000Z`) + 86_400_000).toISOString().slice(0, 10);

/**
 * After the documents: the batch's events about an erased user, or of an expired day, were
 * applied before the erasure or the expiry.
 */
async function scrubPersonal<Doc extends object>(
  projection: Projection<Doc>,
  store: ProjectionStore<Doc>,
  events: readonly StoredEvent[],
): Promise<void> {
  if (projection.scrubPersonal === undefined) return;
  const scrub = (doc: Doc): Doc => projection.scrubPersonal?.(doc) ?? doc;
  const field = projection.attemptTimeField;
  for (const event of events) {
    const userId = event.data['userId'];
    if (event.type === USER_ERASED && typeof userId === 'string')
      await store.scrub({ field: 'userId', equals: userId }, scrub);
    if (
      event.type === PERSONAL_DATA_EXPIRED &&
      field !== undefined &&
      isPersonalDataExpiredData(event.data)
    ) {
      const { period } = event.data;
      await store.scrub({ field, from: period, before: dayAfter(period) }, scrub);
    }
  }
}

async function evolveTouched<Doc extends object>(
  projection: Projection<Doc>,
  store: ProjectionStore<Doc>,
  touched: readonly { readonly id: string; readonly event: StoredEvent }[],
): Promise<void> {
  const stored = await store.load([...new Set(touched.map(({ id }) => id))]);
  const current = new Map<string, { readonly doc: Doc | null; readonly position: number }>(stored);
  const changes = new Map<string, DocChange<Doc>>();
  for (const { id, event } of touched) {
    const before = current.get(id) ?? { doc: null, position: 0 };
    if (event.position <= before.position) continue;
    const after = projection.evolve(before.doc, event);
    if (after === null || after === before.doc) continue;
    current.set(id, { doc: after, position: event.position });
    changes.set(id, { id, doc: after, position: event.position });
  }
  if (changes.size > 0) await store.save([...changes.values()]);
}
