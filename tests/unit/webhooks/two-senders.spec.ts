/**
 * Two instances' webhook senders over one log: each event reaches the receiver once however their
 * passes overlap, and when the sender holding a subscription dies the other takes over once its
 * claim has run out. The receiver holds every request until released, so both passes are in
 * flight together (the window in which both used to send each event).
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CommandHandler } from '../../../src/application/command-handler.js';
import type {
  WebhookAttempt,
  WebhookClient,
  WebhookMessage,
} from '../../../src/application/ports/webhook-client.port.js';
import { webhooksProjection } from '../../../src/application/projections/index.js';
import { DeliverWebhooks, webhookClaimMs } from '../../../src/application/webhooks/deliver-webhooks.js';
import { webhookSecretContext } from '../../../src/application/webhooks/manage-webhooks.use-case.js';
import { AesGcmSecretBox } from '../../../src/infrastructure/crypto/aes-gcm-secret-box.js';
import { SqliteEventStore } from '../../../src/infrastructure/event-store/sqlite-event-store.js';
import { bind } from '../../../src/infrastructure/log-follower/read-model-batch.js';
import { InMemoryWebhookReadModel } from '../../../src/infrastructure/read-models/in-memory/in-memory-webhook-read-model.js';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const SETTINGS = {
  retryBaseSeconds: 5,
  maxRetrySeconds: 3600,
  disableAfterSeconds: 3 * 86_400,
  timeoutSeconds: 5,
};
const CLAIM_MS = webhookClaimMs(SETTINGS);
const silent = { debug() {}, info() {}, warn() {}, error() {} };

/** Answers 200 once released; what it received lands in the list both instances' receivers share. */
class HeldReceiver implements WebhookClient {
  private opened: Promise<void>;
  release: () => void = () => {};
  constructor(private readonly received: WebhookMessage[]) {
    this.opened = new Promise((resolve) => (this.release = resolve));
  }
  newSecret(): string {
    return SECRET;
  }
  refusal(): Promise<string | null> {
    return Promise.resolve(null);
  }
  /** Answer 503 (the receiver is down). */
  down = false;
  async send(message: WebhookMessage): Promise<WebhookAttempt> {
    await this.opened;
    this.received.push(message);
    return this.down ? { delivered: false, status: 503, error: null } : { delivered: true, status: 200 };
  }
}

async function twoInstances(logins: number) {
  const store = new SqliteEventStore({ file: ':memory:' });
  const box = new AesGcmSecretBox(new Uint8Array(32).fill(7));
  const views = new InMemoryWebhookReadModel();
  const feed = bind(webhooksProjection, views);
  let now = new Date('2026-01-01T00:00:00.000Z');
  const clock = { now: () => now };
  const append = (streamId: string, type: string, data: Record<string, unknown>) =>
    store.append({
      streamId,
      expectedVersion: 'any',
      events: [{ type, data }],
      metadata: {},
      occurredAt: now,
    });
  await append('webhook-s1', 'WebhookSubscribed', {
    subscriptionId: 's1',
    url: 'https://example.com/hook',
    eventTypes: ['LoggedIn'],
    sealedSecret: box.seal(new TextEncoder().encode(SECRET), webhookSecretContext('s1')),
    createdBy: null,
    startAfter: 0,
  });
  for (let i = 1; i <= logins; i++) await append(`session-${i}`, 'LoggedIn', { sessionId: `${i}` });
  const received: WebhookMessage[] = [];
  const receivers = [new HeldReceiver(received), new HeldReceiver(received)] as const;
  // Each instance has its own command handler (its own cache of stream states) and sender id;
  // `log` is where it pages the events from.
  const sender = (receiver: WebhookClient, log: SqliteEventStore = store) =>
    new DeliverWebhooks(
      log,
      new CommandHandler(store),
      clock,
      box,
      receiver,
      views,
      SETTINGS,
      silent,
      randomUUID(),
    );
  return {
    store,
    received,
    receivers,
    senders: [sender(receivers[0]), sender(receivers[1])] as const,
    /** A sender whose reads of the log wait until `open` (a slow page, a cold start's long scan). */
    slowReader: (receiver: WebhookClient) => {
      let open: () => void = () => {};
      const opened = new Promise<void>((resolve) => (open = resolve));
      const slow = Object.create(store) as SqliteEventStore;
      slow.readAll = async (after, limit) => {
        await opened;
        return store.readAll(after, limit);
      };
      return { deliver: sender(receiver, slow), open };
    },
    append,
    catchUp: async () => feed.apply(await store.readAll(0, 10_000)),
    advance: (ms: number) => (now = new Date(now.getTime() + ms)),
  };
}

const idsOf = (messages: readonly WebhookMessage[]) => messages.map((message) => message.id);
const settle = () => new Promise((resolve) => setTimeout(resolve, 30));

describe('DeliverWebhooks on two instances', () => {
  it('delivers each event once when both passes run at the same time', async () => {
    const { store, received, receivers, senders, catchUp } = await twoInstances(4);
    await catchUp();
    const passes = senders.map((sender) => sender.deliverDue());
    await settle();
    for (const receiver of receivers) receiver.release();
    await Promise.all(passes);
    expect(idsOf(received)).toEqual(['evt_2', 'evt_3', 'evt_4', 'evt_5']);
    const types = (await store.readStream('webhook-s1')).map((event) => event.type);
    expect(types).toEqual(['WebhookSubscribed', 'WebhookSenderClaimed', 'WebhookDelivered']);
    // Further passes of both: nothing new to send, nothing new written.
    await catchUp();
    await Promise.all(senders.map((sender) => sender.deliverDue()));
    expect(received).toHaveLength(4);
    expect(await store.readStream('webhook-s1')).toHaveLength(3);
  });

  it('keeps the subscription with its sender while it has work, and hands it over once that sender is gone', async () => {
    const { received, receivers, senders, append, catchUp, advance } = await twoInstances(1);
    for (const receiver of receivers) receiver.release();
    await catchUp();
    await senders[0].deliverDue();
    await senders[1].deliverDue();
    expect(idsOf(received)).toEqual(['evt_2']);
    // New events while the first sender's claim lasts: it sends them, the second leaves them.
    advance(CLAIM_MS / 4);
    await append('session-9', 'LoggedIn', { sessionId: '9' });
    await catchUp();
    await senders[1].deliverDue();
    expect(idsOf(received)).toEqual(['evt_2']);
    await senders[0].deliverDue();
    expect(idsOf(received)).toEqual(['evt_2', 'evt_5']);
    // The first sender stops (a crash): the second takes over once the claim has run out.
    await append('session-10', 'LoggedIn', { sessionId: '10' });
    await catchUp();
    advance(CLAIM_MS / 2);
    await senders[1].deliverDue();
    expect(idsOf(received)).toEqual(['evt_2', 'evt_5']);
    advance(CLAIM_MS / 2);
    await senders[1].deliverDue();
    expect(idsOf(received)).toEqual(['evt_2', 'evt_5', 'evt_7']);
  });

  it('hands the subscription over at once when its sender stops cleanly', async () => {
    const { store, received, receivers, senders, append, catchUp } = await twoInstances(1);
    for (const receiver of receivers) receiver.release();
    await catchUp();
    await senders[0].deliverDue();
    await senders[0].release();
    await append('session-9', 'LoggedIn', { sessionId: '9' });
    await catchUp();
    await senders[1].deliverDue();
    expect(idsOf(received)).toEqual(['evt_2', 'evt_6']);
    const types = (await store.readStream('webhook-s1')).map((event) => event.type);
    expect(types).toEqual([
      'WebhookSubscribed',
      'WebhookSenderClaimed',
      'WebhookDelivered',
      'WebhookSenderReleased',
      'WebhookSenderClaimed',
      'WebhookDelivered',
    ]);
  });

  it('claims nothing while no event is for the subscription, however busy the log', async () => {
    const { store, received, receivers, senders, append, catchUp, advance } = await twoInstances(0);
    for (const receiver of receivers) receiver.release();
    for (let i = 0; i < 5; i++) {
      await append(`user-${i}`, 'UserRegistered', { userId: `${i}` });
      await catchUp();
      advance(CLAIM_MS);
      await Promise.all(senders.map((sender) => sender.deliverDue()));
    }
    expect(received).toEqual([]);
    expect((await store.readStream('webhook-s1')).map((event) => event.type)).toEqual(['WebhookSubscribed']);
  });

  /**
   * A second sender loads the subscription (nobody holds it) and waits on its page of the log,
   * while the first does `meanwhile` and stops cleanly; then the second's pass and one more run.
   */
  const lateBehind = async (meanwhile: (first: HeldReceiver) => void) => {
    const { received, receivers, senders, slowReader, catchUp } = await twoInstances(1);
    for (const receiver of receivers) receiver.release();
    await catchUp();
    const late = slowReader(receivers[1]);
    const latePass = late.deliver.deliverDue();
    await settle();
    meanwhile(receivers[0]);
    await senders[0].deliverDue();
    await senders[0].release();
    expect(idsOf(received)).toEqual(['evt_2']);
    late.open();
    await latePass;
    await catchUp();
    await late.deliver.deliverDue();
    return idsOf(received);
  };

  it('does not send again what another sender delivered while this one was reading toward it', async () => {
    expect(await lateBehind(() => {})).toEqual(['evt_2']);
  });

  it("keeps to the other sender's backoff when it failed and let go while this one was reading", async () => {
    // The retry waits for the failure's next attempt, whoever sends it.
    expect(await lateBehind((first) => (first.down = true))).toEqual(['evt_2']);
  });
});
