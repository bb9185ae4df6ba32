import type { Page, PageRequest } from '../../../application/pagination.js';
import type { SessionReadModel, SessionView } from '../../../application/ports/session-read-model.port.js';
import { InMemoryProjectionStore } from './in-memory-projection-store.js';
import { KeyedSeqIndex, takePage } from './seq-index.js';

function* active(sessions: Iterable<SessionView>, now: string): Generator<SessionView> {
  for (const session of sessions) if (session.revokedAt === null && session.expiresAt > now) yield session;
}

/** Sessions for the embedded mode, with a per-user index so a user's list never scans everyone's. */
export class InMemorySessionReadModel
  extends InMemoryProjectionStore<SessionView>
  implements SessionReadModel
{
  private readonly byUser = new KeyedSeqIndex<SessionView>();

  byId(id: string): Promise<SessionView | null> {
    return Promise.resolve(this.docs.get(id)?.doc ?? null);
  }

  activeOf(userId: string, now: Date, page: PageRequest): Promise<Page<SessionView>> {
    const sessions = this.byUser.get(userId)?.descending(page.after) ?? [];
    return Promise.resolve(takePage(active(sessions, now.toISOString()), page.limit));
  }

  /** A full scan: it runs once, when an instance starts. */
  revokedSince(since: Date): Promise<readonly { readonly id: string; readonly revokedAt: string }[]> {
    const from = since.toISOString();
    const revoked: { id: string; revokedAt: string }[] = [];
    for (const { doc } of this.docs.values()) {
      if (doc.revokedAt !== null && doc.revokedAt >= from)
        revoked.push({ id: doc.id, revokedAt: doc.revokedAt });
    }
    return Promise.resolve(revoked);
  }

  protected override indexed(doc: SessionView, previous: SessionView | null): void {
    if (previous !== null && (previous.userId !== doc.userId || previous.seq !== doc.seq)) {
      this.byUser.remove(previous.userId, previous.seq);
    }
    this.byUser.put(doc.userId, doc);
  }

  protected override cleared(): void {
    this.byUser.clear();
  }
}
