import type {
  AppendRequest,
  AppendResult,
  EventStore,
  StoredEvent,
} from '../../application/ports/event-store.port.js';

/**
 * The base of a decorator around another event store: everything it does not override goes
 * straight to `inner`. Not `readTail`, which is optional: a decorator that changes what reads
 * return offers it itself, or a blind forward would bypass it.
 */
export abstract class ForwardingEventStore implements EventStore {
  constructor(protected readonly inner: EventStore) {}

  append(request: AppendRequest): Promise<AppendResult> {
    return this.inner.append(request);
  }

  readStream(streamId: string, fromVersion?: number): Promise<StoredEvent[]> {
    return this.inner.readStream(streamId, fromVersion);
  }

  readAll(afterPosition: number, limit: number): Promise<StoredEvent[]> {
    return this.inner.readAll(afterPosition, limit);
  }

  headPosition(): Promise<number> {
    return this.inner.headPosition();
  }

  onAppended(listener: (position: number) => void): () => void {
    return this.inner.onAppended(listener);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
