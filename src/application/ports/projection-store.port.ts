/** A read-model document with the global position of the last event applied to it. */
export interface PositionedDoc<Doc> {
  readonly doc: Doc;
  readonly position: number;
}

export interface DocChange<Doc> {
  readonly id: string;
  readonly doc: Doc;
  readonly position: number;
}

/**
 * Which documents a scrub replaces: those whose top-level `field` (a string) equals `equals`, or
 * lies in `[from, before)` compared as strings (ISO instants: a period).
 */
export type DocMatch =
  | { readonly field: string; readonly equals: string }
  | { readonly field: string; readonly from: string; readonly before: string };

/** A match's field, checked: it goes into SQL (json_extract) and MongoDB filters by name. */
export function matchedField(match: DocMatch): string {
  if (!/^[A-Za-z][A-Za-z0-9]*$/.test(match.field)) throw new Error(`not a document field: ${match.field}`);
  return match.field;
}

/** The match as a predicate over a document (the in-memory store, and tests). */
export function matches(match: DocMatch, doc: object): boolean {
  const value: unknown = (doc as Record<string, unknown>)[matchedField(match)];
  if (typeof value !== 'string') return false;
  return 'equals' in match ? value === match.equals : value >= match.from && value < match.before;
}

/**
 * The write side of a read model, used only by the projection runner (one writer per read model).
 * Passes tests/contract/projection-store.contract.ts.
 */
export interface ProjectionStore<Doc extends object> {
  load(ids: readonly string[]): Promise<Map<string, PositionedDoc<Doc>>>;
  /**
   * Writes a batch. A document is never moved back: a change whose position is not above the
   * stored one is ignored, which makes replays after a crash harmless.
   */
  save(changes: readonly DocChange<Doc>[]): Promise<void>;
  /** Position up to which every event has been applied (0 when new). */
  checkpoint(): Promise<number>;
  saveCheckpoint(position: number): Promise<void>;
  /** Drops every document and the checkpoint, for a rebuild from position 0. */
  reset(): Promise<void>;
  /**
   * Replaces every document that `match` selects by `scrub(doc)`, keeping its position: an
   * erasure (by `userId`) or an expired period (by the attempt's time) reaches the documents a
   * rebuild would now build without that personal data.
   */
  scrub(match: DocMatch, scrub: (doc: Doc) => Doc): Promise<void>;
}
