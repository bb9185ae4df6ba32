/** Lets a query wait until this instance's projections include everything appended so far. */
export interface ReadModelSync {
  /** Waits (bounded) until the read models include `position`; false on timeout (they may be stale). */
  waitFor(position: number, timeoutMs?: number): Promise<boolean>;
  /** Waits until the read models include the store's current head. */
  catchUp(timeoutMs?: number): Promise<boolean>;
}
export const READ_MODEL_SYNC = Symbol('ReadModelSync');
