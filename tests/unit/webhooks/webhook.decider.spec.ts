/** The webhook subscription decider: cursors only move forward, failures count up, long failure disables. */
import { describe, expect, it } from 'vitest';
import { webhookDecider, type WebhookState } from '../../../src/domain/webhook/webhook.decider.js';
import type { WebhookEvent } from '../../../src/domain/webhook/webhook.events.js';

const T0 = new Date('2026-01-01T00:00:00.000Z');
const DAY = 86_400_000;

const given = (events: WebhookEvent[], at = T0): WebhookState =>
  events.reduce(
    (state, e) => webhookDecider.evolve(state, { ...e, occurredAt: at }),
    webhookDecider.initialState(),
  );

const subscribed: WebhookEvent = {
  type: 'WebhookSubscribed',
  data: {
    subscriptionId: 's1',
    url: 'https://example.com/h',
    eventTypes: ['*'],
    sealedSecret: 'sealed',
    createdBy: null,
    startAfter: 2,
  },
};
const failure = (now: Date) => ({
  type: 'RecordFailure' as const,
  position: 5,
  eventType: 'LoggedIn',
  status: 500,
  error: null,
  now,
  nextAttemptAt: new Date(now.getTime() + 5000),
  disableAfterMs: 3 * DAY,
});

describe('webhookDecider', () => {
  it('acknowledges a run once: a second acknowledgement at or below the cursor changes nothing', () => {
    const delivered: WebhookEvent = {
      type: 'WebhookDelivered',
      data: { subscriptionId: 's1', position: 7, deliveries: [] },
    };
    const state = given([subscribed, delivered]);
    expect(webhookDecider.decide({ type: 'RecordDelivered', position: 7, deliveries: [] }, state)).toEqual(
      [],
    );
    expect(webhookDecider.decide({ type: 'RecordDelivered', position: 3, deliveries: [] }, state)).toEqual(
      [],
    );
    expect(
      webhookDecider.decide({ type: 'RecordDelivered', position: 8, deliveries: [] }, state),
    ).toHaveLength(1);
  });

  it('counts attempts and disables after WEBHOOK_DISABLE_AFTER of continuous failure', () => {
    const first = webhookDecider.decide(failure(T0), given([subscribed]));
    expect(first).toMatchObject([{ type: 'WebhookDeliveryFailed', data: { attempt: 1, status: 500 } }]);
    const failing = given([subscribed, ...(first as WebhookEvent[])]);
    const second = webhookDecider.decide(failure(new Date(T0.getTime() + DAY)), failing);
    expect(second).toMatchObject([{ data: { attempt: 2 } }]);
    const late = webhookDecider.decide(failure(new Date(T0.getTime() + 3 * DAY)), failing);
    expect((late as WebhookEvent[]).map((e) => e.type)).toEqual(['WebhookDeliveryFailed', 'WebhookDisabled']);
  });

  it('refuses to unsubscribe twice (404) and records nothing on a deleted subscription', () => {
    const state = given([subscribed, { type: 'WebhookUnsubscribed', data: { subscriptionId: 's1' } }]);
    expect(() => webhookDecider.decide({ type: 'Unsubscribe' }, state)).toThrow(/No such webhook/);
    expect(() => webhookDecider.decide({ type: 'Unsubscribe' }, webhookDecider.initialState())).toThrow(
      /No such webhook/,
    );
  });

  describe('sender claims', () => {
    const claim = (sender: string, now: Date) => ({
      type: 'ClaimSender' as const,
      sender,
      now,
      leaseMs: 60_000,
    });
    const claimed = (sender: string, until: Date): WebhookEvent => ({
      type: 'WebhookSenderClaimed',
      data: { subscriptionId: 's1', sender, until: until.toISOString() },
    });
    const later = (ms: number) => new Date(T0.getTime() + ms);

    it('gives an unclaimed subscription to the sender asking, until now + the lease', () => {
      expect(webhookDecider.decide(claim('a', T0), given([subscribed]))).toEqual([
        claimed('a', later(60_000)),
      ]);
    });

    it("refuses another sender while the claim lasts, and renews the holder's own", () => {
      const held = given([subscribed, claimed('a', later(60_000))]);
      expect(webhookDecider.decide(claim('b', later(59_999)), held)).toEqual([]);
      expect(webhookDecider.decide(claim('a', later(30_000)), held)).toEqual([claimed('a', later(90_000))]);
    });

    it('lets another sender take it once the claim has run out', () => {
      const held = given([subscribed, claimed('a', later(60_000))]);
      expect(webhookDecider.decide(claim('b', later(60_000)), held)).toEqual([claimed('b', later(120_000))]);
    });

    it('lets the holder, and only the holder, release its claim; then anyone may claim', () => {
      const held = given([subscribed, claimed('a', later(60_000))]);
      const release = (sender: string) => ({ type: 'ReleaseSender' as const, sender, now: later(1000) });
      expect(webhookDecider.decide(release('b'), held)).toEqual([]);
      const released = webhookDecider.decide(release('a'), held) as WebhookEvent[];
      expect(released).toEqual([
        { type: 'WebhookSenderReleased', data: { subscriptionId: 's1', sender: 'a' } },
      ]);
      const free = given([subscribed, claimed('a', later(60_000)), ...released]);
      expect(webhookDecider.decide(claim('b', later(2000)), free)).toEqual([claimed('b', later(62_000))]);
    });

    it('claims nothing, and throws nothing, for a deleted subscription', () => {
      const deleted: WebhookEvent = { type: 'WebhookUnsubscribed', data: { subscriptionId: 's1' } };
      expect(webhookDecider.decide(claim('a', T0), given([subscribed, deleted]))).toEqual([]);
    });

    it('claims nothing for a disabled subscription', () => {
      const disabled: WebhookEvent = {
        type: 'WebhookDisabled',
        data: { subscriptionId: 's1', reason: 'failing', failingSince: T0.toISOString() },
      };
      expect(webhookDecider.decide(claim('a', T0), given([subscribed, disabled]))).toEqual([]);
    });
  });
});
