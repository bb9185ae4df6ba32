/** What every list of the read models is ordered by: the global position of the creating event. */
export interface Sequenced {
  readonly seq: number;
}

/**
 * Documents sorted by `seq` ascending. The runner creates documents in position order, so inserts
 * are appends and a page is a binary search plus a scan: no sort and no quadratic work even with
 * a million login attempts. Out-of-order inserts still work, at the price of a splice.
 */
export class SeqIndex<Doc extends Sequenced> {
  private readonly items: Doc[] = [];

  get size(): number {
    return this.items.length;
  }

  /** Inserts `doc`, or replaces the document with the same `seq`. */
  put(doc: Doc): void {
    const last = this.items[this.items.length - 1];
    if (last === undefined || last.seq < doc.seq) {
      this.items.push(doc);
      return;
    }
    const at = this.lowerBound(doc.seq);
    if (this.items[at]?.seq === doc.seq) this.items[at] = doc;
    else this.items.splice(at, 0, doc);
  }

  remove(seq: number): void {
    const at = this.lowerBound(seq);
    if (this.items[at]?.seq === seq) this.items.splice(at, 1);
  }

  clear(): void {
    this.items.length = 0;
  }

  /** Ascending, strictly after `after` (from the start when undefined). */
  *ascending(after?: number): Generator<Doc> {
    const start = after === undefined ? 0 : this.lowerBound(after + 1);
    for (let i = start; i < this.items.length; i++) yield this.items[i] as Doc;
  }

  /** Descending, strictly below `before` (from the newest when undefined). */
  *descending(before?: number): Generator<Doc> {
    const start = before === undefined ? this.items.length - 1 : this.lowerBound(before) - 1;
    for (let i = start; i >= 0; i--) yield this.items[i] as Doc;
  }

  /** Index of the first item with seq >= `seq`. */
  private lowerBound(seq: number): number {
    let low = 0;
    let high = this.items.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((this.items[mid] as Doc).seq < seq) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}

/** `SeqIndex`es keyed by one field (user id, identifier, address), created on first use. */
export class KeyedSeqIndex<Doc extends Sequenced> {
  private readonly byKey = new Map<string, SeqIndex<Doc>>();

  get(key: string): SeqIndex<Doc> | undefined {
    return this.byKey.get(key);
  }

  put(key: string, doc: Doc): void {
    let index = this.byKey.get(key);
    if (index === undefined) {
      index = new SeqIndex<Doc>();
      this.byKey.set(key, index);
    }
    index.put(doc);
  }

  remove(key: string, seq: number): void {
    const index = this.byKey.get(key);
    if (index === undefined) return;
    index.remove(seq);
    if (index.size === 0) this.byKey.delete(key);
  }

  clear(): void {
    this.byKey.clear();
  }
}

/** Up to `limit` items of `source`, and the key to continue after the last one when more remain. */
export function takePage<Doc extends Sequenced>(
  source: Iterable<Doc>,
  limit: number,
): { readonly items: Doc[]; readonly nextAfter: number | null } {
  const items: Doc[] = [];
  if (limit <= 0) return { items, nextAfter: null };
  for (const doc of source) {
    if (items.length === limit) {
      const last = items[items.length - 1] as Doc;
      return { items, nextAfter: last.seq };
    }
    items.push(doc);
  }
  return { items, nextAfter: null };
}
