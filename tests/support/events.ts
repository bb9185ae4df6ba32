import type { StoredEvent } from '../../src/application/ports/event-store.port.js';
import type { TestApp } from './test-app.js';

/** Every event in an app's store, in position order (small test stores only). */
export async function allEvents(app: TestApp): Promise<StoredEvent[]> {
  // Refusals of the current minute are still being counted in memory: write them first.
  await app.runtime.flushRefusals();
  const store = app.runtime.storage.eventStore;
  const events: StoredEvent[] = [];
  for (let after = 0; ;) {
    const batch = await store.readAll(after, 1000);
    if (batch.length === 0) return events;
    events.push(...batch);
    after = batch.at(-1)?.position ?? after;
  }
}
