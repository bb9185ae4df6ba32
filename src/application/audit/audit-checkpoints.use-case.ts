import { inject, injectable } from 'tsyringe';
import {
  AUDIT_CHECKPOINT_STREAM,
  isAuditCheckpointData,
} from '../../domain/audit/audit-checkpoint.events.js';
import type { Page, PageRequest } from '../pagination.js';
import { EVENT_STORE, type EventStore } from '../ports/event-store.port.js';

export interface AuditCheckpointView {
  readonly position: number;
  readonly hash: string;
  readonly createdAt: string;
  readonly jws: string;
  /** Version in the checkpoint stream: the page key. */
  readonly streamVersion: number;
}

/** The signed checkpoints, newest first, for an operator to copy somewhere the store's writers cannot reach. */
@injectable()
export class AuditCheckpoints {
  constructor(@inject(EVENT_STORE) private readonly store: EventStore) {}

  async list(page: PageRequest): Promise<Page<AuditCheckpointView>> {
    const events = await this.store.readStream(AUDIT_CHECKPOINT_STREAM);
    const newestFirst = events
      .filter((event) => page.after === undefined || event.streamVersion < page.after)
      .reverse();
    const items = newestFirst.slice(0, page.limit).flatMap((event) =>
      isAuditCheckpointData(event.data)
        ? [
            {
              position: event.data.position,
              hash: event.data.hash,
              createdAt: event.occurredAt.toISOString(),
              jws: event.data.jws,
              streamVersion: event.streamVersion,
            },
          ]
        : [],
    );
    const last = items.at(-1);
    return {
      items,
      nextAfter: newestFirst.length > page.limit && last !== undefined ? last.streamVersion : null,
    };
  }
}
