import {
  matches,
  type DocChange,
  type DocMatch,
  type PositionedDoc,
  type ProjectionStore,
} from '../../../application/ports/projection-store.port.js';

/**
 * The write side every in-memory read model shares: documents by id with the position of the
 * last event applied, and the checkpoint. Subclasses keep their query indexes in step through
 * `indexed` and `cleared`, which run after each stored change and after a reset.
 */
export class InMemoryProjectionStore<Doc extends object> implements ProjectionStore<Doc> {
  protected readonly docs = new Map<string, PositionedDoc<Doc>>();
  private storedCheckpoint = 0;

  load(ids: readonly string[]): Promise<Map<string, PositionedDoc<Doc>>> {
    const found = new Map<string, PositionedDoc<Doc>>();
    for (const id of ids) {
      const stored = this.docs.get(id);
      if (stored !== undefined) found.set(id, stored);
    }
    return Promise.resolve(found);
  }

  save(changes: readonly DocChange<Doc>[]): Promise<void> {
    for (const change of changes) {
      const previous = this.docs.get(change.id);
      // The position guard: a replay after a crash must never move a document back.
      if (previous !== undefined && previous.position >= change.position) continue;
      this.docs.set(change.id, { doc: change.doc, position: change.position });
      this.indexed(change.doc, previous?.doc ?? null);
    }
    return Promise.resolve();
  }

  checkpoint(): Promise<number> {
    return Promise.resolve(this.storedCheckpoint);
  }

  saveCheckpoint(position: number): Promise<void> {
    this.storedCheckpoint = position;
    return Promise.resolve();
  }

  reset(): Promise<void> {
    this.docs.clear();
    this.storedCheckpoint = 0;
    this.cleared();
    return Promise.resolve();
  }

  scrub(match: DocMatch, scrub: (doc: Doc) => Doc): Promise<void> {
    try {
      for (const [id, stored] of this.docs) {
        if (!matches(match, stored.doc)) continue;
        const doc = scrub(stored.doc);
        this.docs.set(id, { doc, position: stored.position });
        this.indexed(doc, stored.doc);
      }
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  /** Called after `doc` replaced `previous` (null when new). */
  protected indexed(_doc: Doc, _previous: Doc | null): void {}

  /** Called after a reset dropped every document. */
  protected cleared(): void {}
}
