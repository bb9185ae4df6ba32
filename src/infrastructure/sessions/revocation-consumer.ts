import type { StoredEvent } from '../../application/ports/event-store.port.js';
import type { SessionReadModel } from '../../application/ports/session-read-model.port.js';
import type { LogConsumer } from '../log-follower/log-consumer.js';
import type { RevocationList } from './revocation-list.js';

const PRUNE_INTERVAL_MS = 60_000;

/**
 * Feeds this instance's revocation list from the log: every `LoggedOut` (also the one per session
 * that ending all of a user's sessions appends after `AllSessionsEnded`). It starts where the
 * sessions read model stands, with the revocations that model holds, so a start replays no log.
 * The position lives in memory only: a restart seeds again from the read model.
 */
export class RevocationConsumer implements LogConsumer {
  readonly name = 'revocations';
  private lastPrune = Date.now();

  constructor(
    private readonly list: RevocationList,
    private readonly sessions: SessionReadModel,
    /** Revocations older than this cannot have an unexpired access token. */
    private readonly retentionMs: number,
  ) {}

  async checkpoint(): Promise<number> {
    // The checkpoint first: the revocations read after it include at least everything up to it.
    const from = await this.sessions.checkpoint();
    const since = new Date(Date.now() - this.retentionMs);
    for (const { id, revokedAt } of await this.sessions.revokedSince(since)) {
      this.list.markRevoked(id, new Date(revokedAt));
    }
    return from;
  }

  handle(events: readonly StoredEvent[]): Promise<void> {
    for (const event of events) {
      if (event.type === 'LoggedOut' && typeof event.data.sessionId === 'string') {
        this.list.markRevoked(event.data.sessionId, event.occurredAt);
      }
    }
    if (Date.now() - this.lastPrune > PRUNE_INTERVAL_MS) {
      this.list.prune();
      this.lastPrune = Date.now();
    }
    return Promise.resolve();
  }

  caughtUp(readStartedAt: number): void {
    this.list.currentAt(readStartedAt);
  }
}
