import { MAIL_EVENT_TYPES } from '../../src/domain/mail/mail.events.js';
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

/**
 * Waits until the app has sent (or given up for now on) every mail its events queued, so a test
 * that counts the events of a window does not count the sender's `MailSent` records in it.
 */
export async function mailSettled(app: TestApp, timeoutMs = 10_000): Promise<void> {
  const { eventStore, mailOutbox } = app.runtime.storage;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const head = await eventStore.headPosition();
    const caughtUp = (await mailOutbox.checkpoint()) >= head;
    const { pending, failing } = await mailOutbox.summary();
    if (caughtUp && pending === failing && (await eventStore.headPosition()) === head) return;
    if (Date.now() > deadline) throw new Error(`mail not settled: ${pending} pending`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * The delivery records a mail sender appends on its own schedule (a registration's verification
 * mail is recorded after its request answered): left out where a test counts what requests wrote.
 */
export const isMailRecord = (type: string): boolean => MAIL_EVENT_TYPES.has(type);
