/**
 * The delivery reactor with a controlled clock and a receiver double: retries are spaced by the
 * jittered doubling backoff, a recovered receiver gets the run in order with one acknowledgement
 * event, and continuous failure for WEBHOOK_DISABLE_AFTER disables the subscription with an event.
 */
import { describe, expect, it } from 'vitest';
import { CommandHandler } from '../../../src/application/command-handler.js';
import type { StoredEvent } from '../../../src/application/ports/event-store.port.js';
import type {
  WebhookAttempt,
  WebhookClient,
  WebhookMessage,
  WebhookSettings,
} from '../../../src/application/ports/webhook-client.port.js';
import { webhooksProjection } from '../../../src/application/projections/index.js';
import { DeliverWebhooks, retryDelayMs } from '../../../src/application/webhooks/deliver-webhooks.js';
import { webhookSecretContext } from '../../../src/application/webhooks/manage-webhooks.use-case.js';
import { AesGcmSecretBox } from '../../../src/infrastructure/crypto/aes-gcm-secret-box.js';
import { SqliteEventStore } from '../../../src/infrastructure/event-store/sqlite-event-store.js';
import { bind } from '../../../src/infrastructure/log-follower/read-model-batch.js';
import { InMemoryWebhookReadModel } from '../../../src/infrastructure/read-models/in-memory/in-memory-webhook-read-model.js';

const SETTINGS: WebhookSettings = {
  retryBaseSeconds: 5,
  maxRetrySeconds: 3600,
  disableAfterSeconds: 3 * 86_400,
  timeoutSeconds: 5,
};
const silent = { debug() {}, info() {}, warn() {}, error() {} };

class Receiver implements WebhookClient {
  readonly messages: WebhookMessage[] = [];
  up = false;
  newSecret(): string {
    return 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
  }
  refusal(): Promise<string | null> {
    return Promise.resolve(null);
  }
  send(message: WebhookMessage): Promise<WebhookAttempt> {
    this.messages.push(message);
    return Promise.resolve(
      this.up ? { delivered: true, status: 200 } : { delivered: false, status: 503, error: null },
    );
  }
}

async function setUp() {
  const store = new SqliteEventStore({ file: ':memory:' });
  const commands = new CommandHandler(store);
  const box = new AesGcmSecretBox(new Uint8Array(32).fill(7));
  const views = new InMemoryWebhookReadModel();
  const projection = bind(webhooksProjection, views);
  const receiver = new Receiver();
  let now = new Date('2026-01-01T00:00:00.000Z');
  const clock = { now: () => now };
  const deliver = new DeliverWebhooks(
    store,
    commands,
    clock,
    box,
    receiver,
    views,
    SETTINGS,
    silent,
    'instance-1',
  );
  await store.append({
    streamId: 'webhook-s1',
    expectedVersion: 'no_stream',
    events: [
      {
        type: 'WebhookSubscribed',
        data: {
          subscriptionId: 's1',
          url: 'https://example.com/hook',
          eventTypes: ['LoggedIn'],
          sealedSecret: box.seal(new TextEncoder().encode(receiver.newSecret()), webhookSecretContext('s1')),
          createdBy: null,
          startAfter: 0,
        },
      },
    ],
    metadata: {},
    occurredAt: now,
  });
  for (let i = 1; i <= 3; i += 1) {
    await store.append({
      streamId: `session-${i}`,
      expectedVersion: 'no_stream',
      events: [
        { type: 'LoggedIn', data: { sessionId: `${i}` } },
        { type: 'TokenRefreshed', data: {} },
      ],
      metadata: {},
      occurredAt: now,
    });
  }
  /** One pass, after the read model has caught up (as the runner would). */
  const pass = async (): Promise<void> => {
    await projection.apply(await store.readAll(0, 1000));
    await deliver.deliverDue();
  };
  const subscription = async (): Promise<StoredEvent[]> => store.readStream('webhook-s1');
  return {
    store,
    receiver,
    pass,
    subscription,
    advance: (ms: number) => (now = new Date(now.getTime() + ms)),
  };
}

describe('DeliverWebhooks', () => {
  it('backs off with jitter between half and all of the doubled delay, capped at an hour', () => {
    expect(retryDelayMs(1, SETTINGS, 0)).toBe(2500);
    expect(retryDelayMs(1, SETTINGS, 1)).toBe(5000);
    expect(retryDelayMs(3, SETTINGS, 1)).toBe(20_000);
    expect(retryDelayMs(40, SETTINGS, 1)).toBe(3_600_000);
  });

  it('waits for the next attempt, then delivers the run in order and acknowledges it with one event', async () => {
    const { receiver, pass, subscription, advance } = await setUp();
    await pass();
    expect(receiver.messages.map((m) => m.id)).toEqual(['evt_2']);
    await pass(); // not due yet
    expect(receiver.messages).toHaveLength(1);
    advance(5_000);
    receiver.up = true;
    await pass();
    expect(receiver.messages.map((m) => m.id)).toEqual(['evt_2', 'evt_2', 'evt_4', 'evt_6']);
    const events = await subscription();
    expect(events.map((e) => e.type)).toEqual([
      'WebhookSubscribed',
      'WebhookSenderClaimed', // one claim for both passes: the second came well within it
      'WebhookDeliveryFailed',
      'WebhookDelivered',
    ]);
    expect(events[3]!.data).toMatchObject({
      position: 9, // past the claim and the failure record, skipped: webhook streams are never delivered
      deliveries: [
        { position: 2, eventType: 'LoggedIn', attempts: 2, status: 200 },
        { position: 4, attempts: 1 },
        { position: 6, attempts: 1 },
      ],
    });
    await pass(); // nothing new but our own acknowledgement: nothing sent, nothing written
    expect(receiver.messages).toHaveLength(4);
    expect(await subscription()).toHaveLength(4);
  });

  it('disables the subscription after WEBHOOK_DISABLE_AFTER of continuous failure, with an event', async () => {
    const { receiver, pass, subscription, advance } = await setUp();
    for (let hour = 0; hour <= 73; hour += 1) {
      await pass();
      advance(3_600_000);
    }
    const events = await subscription();
    const types = events.map((e) => e.type);
    expect(types.at(-1)).toBe('WebhookDisabled');
    expect(types.filter((t) => t === 'WebhookDisabled')).toHaveLength(1);
    const sent = receiver.messages.length;
    receiver.up = true;
    advance(86_400_000);
    await pass();
    expect(receiver.messages).toHaveLength(sent); // disabled: nothing more is sent
  });
});
