import type { Page } from '../../../application/pagination.js';
import {
  ERASED_EMAIL,
  type UserReadModel,
  type UserSearch,
  type UserView,
} from '../../../application/ports/user-read-model.port.js';
import { InMemoryProjectionStore } from './in-memory-projection-store.js';
import { SeqIndex, takePage } from './seq-index.js';

const matches = (user: UserView, needle: string): boolean =>
  user.email.toLowerCase().includes(needle) ||
  (user.username?.toLowerCase().includes(needle) ?? false) ||
  (user.fullName?.toLowerCase().includes(needle) ?? false);

function* filtered(users: Iterable<UserView>, query: UserSearch): Generator<UserView> {
  const needle = query.q === undefined || query.q === '' ? null : query.q.toLowerCase();
  for (const user of users) {
    if (
      user.email !== ERASED_EMAIL &&
      (needle === null || matches(user, needle)) &&
      (query.role === undefined || user.role === query.role)
    )
      yield user;
  }
}

/** Users for the embedded mode, rebuilt from the log at start. */
export class InMemoryUserReadModel extends InMemoryProjectionStore<UserView> implements UserReadModel {
  private readonly bySeq = new SeqIndex<UserView>();

  byId(id: string): Promise<UserView | null> {
    return Promise.resolve(this.docs.get(id)?.doc ?? null);
  }

  search(query: UserSearch): Promise<Page<UserView>> {
    return Promise.resolve(takePage(filtered(this.bySeq.ascending(query.after), query), query.limit));
  }

  protected override indexed(doc: UserView, previous: UserView | null): void {
    if (previous !== null && previous.seq !== doc.seq) this.bySeq.remove(previous.seq);
    this.bySeq.put(doc);
  }

  protected override cleared(): void {
    this.bySeq.clear();
  }
}
