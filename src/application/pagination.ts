/** A page of a list ordered by a strictly monotonic key; `nextAfter` continues after the last item. */
export interface Page<T> {
  readonly items: readonly T[];
  readonly nextAfter: number | null;
}

export interface PageRequest {
  readonly limit: number;
  /** Continue after this key (exclusive); absent for the first page. */
  readonly after?: number | undefined;
}
