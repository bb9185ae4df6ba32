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
   * Replaces every document whose `userId` is `userId` by `scrub(doc)`, keeping its position: an
   * erasure reaches the documents a rebuild would now build without the user's personal data.
   */
  forgetUser(userId: string, scrub: (doc: Doc) => Doc): Promise<void>;
}
