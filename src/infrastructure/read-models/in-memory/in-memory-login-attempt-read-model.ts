import type {
  LoginAttemptFilter,
  LoginAttemptReadModel,
  LoginAttemptView,
} from '../../../application/ports/login-attempt-read-model.port.js';
import type { Page, PageRequest } from '../../../application/pagination.js';
import { InMemoryProjectionStore } from './in-memory-projection-store.js';
import { KeyedSeqIndex, SeqIndex, takePage } from './seq-index.js';

/** The filter with its dates as ISO strings, compared as the documents store them. */
interface Criteria {
  readonly filter: LoginAttemptFilter;
  readonly from: string | null;
  readonly to: string | null;
}

const criteria = (filter: LoginAttemptFilter): Criteria => ({
  filter,
  from: filter.from?.toISOString() ?? null,
  to: filter.to?.toISOString() ?? null,
});

const matches = (a: LoginAttemptView, { filter: f, from, to }: Criteria): boolean =>
  (f.userId === undefined || a.userId === f.userId) &&
  (f.identifier === undefined || a.identifier === f.identifier) &&
  (f.outcome === undefined || a.outcome === f.outcome) &&
  (f.ip === undefined || a.ip === f.ip) &&
  (from === null || a.occurredAt >= from) &&
  (to === null || a.occurredAt < to);

function* matching(attempts: Iterable<LoginAttemptView>, c: Criteria): Generator<LoginAttemptView> {
  for (const attempt of attempts) if (matches(attempt, c)) yield attempt;
}

const EMPTY: readonly LoginAttemptView[] = [];

/**
 * The login trail for the embedded mode: about a million attempts must rebuild and query without
 * quadratic work. Attempts arrive in increasing `seq`, so every list is an append-only sorted
 * array; a filtered query scans, newest first, the shortest list that its equality filters allow.
 */
export class InMemoryLoginAttemptReadModel
  extends InMemoryProjectionStore<LoginAttemptView>
  implements LoginAttemptReadModel
{
  private readonly all = new SeqIndex<LoginAttemptView>();
  private readonly byUser = new KeyedSeqIndex<LoginAttemptView>();
  private readonly byIdentifier = new KeyedSeqIndex<LoginAttemptView>();
  private readonly byIp = new KeyedSeqIndex<LoginAttemptView>();

  query(filter: LoginAttemptFilter, page: PageRequest): Promise<Page<LoginAttemptView>> {
    return Promise.resolve(takePage(this.scan(filter, page.after), page.limit));
  }

  /**
   * Pages through the match, so a consumer that reads slowly never holds a live iterator over
   * arrays the runner keeps appending to, and each page continues strictly below the last seq.
   */
  async *stream(filter: LoginAttemptFilter): AsyncIterable<LoginAttemptView> {
    let after: number | undefined;
    for (;;) {
      const page = await this.query(filter, { limit: 500, after });
      yield* page.items;
      if (page.nextAfter === null) return;
      after = page.nextAfter;
    }
  }

  private scan(filter: LoginAttemptFilter, before: number | undefined): Iterable<LoginAttemptView> {
    const source = this.narrowest(filter);
    if (source === null) return EMPTY;
    return matching(source.descending(before), criteria(filter));
  }

  /** The smallest candidate list for the filter; null when an equality filter has no entry at all. */
  private narrowest(filter: LoginAttemptFilter): SeqIndex<LoginAttemptView> | null {
    let best: SeqIndex<LoginAttemptView> = this.all;
    const keyed: [KeyedSeqIndex<LoginAttemptView>, string | undefined][] = [
      [this.byUser, filter.userId],
      [this.byIdentifier, filter.identifier],
      [this.byIp, filter.ip],
    ];
    for (const [index, key] of keyed) {
      if (key === undefined) continue;
      const candidate = index.get(key);
      if (candidate === undefined) return null;
      if (candidate.size < best.size) best = candidate;
    }
    return best;
  }

  protected override indexed(doc: LoginAttemptView, previous: LoginAttemptView | null): void {
    // Attempts are immutable, so a change is a replay: `put` then replaces in place by seq.
    if (previous !== null && previous.seq !== doc.seq) this.all.remove(previous.seq);
    this.all.put(doc);
    this.reindex(this.byUser, doc, doc.userId, previous, previous?.userId ?? null);
    this.reindex(this.byIdentifier, doc, doc.identifier, previous, previous?.identifier ?? null);
    this.reindex(this.byIp, doc, doc.ip, previous, previous?.ip ?? null);
  }

  private reindex(
    index: KeyedSeqIndex<LoginAttemptView>,
    doc: LoginAttemptView,
    key: string | null,
    previous: LoginAttemptView | null,
    previousKey: string | null,
  ): void {
    if (previous !== null && previousKey !== null && (previousKey !== key || previous.seq !== doc.seq)) {
      index.remove(previousKey, previous.seq);
    }
    if (key !== null) index.put(key, doc);
  }

  protected override cleared(): void {
    this.all.clear();
    this.byUser.clear();
    this.byIdentifier.clear();
    this.byIp.clear();
  }
}
