import type { DomainEvent } from '../shared/event.js';

/** One stream per subscription: its creation, its delivery records and its end. */
export const WEBHOOK_STREAM_PREFIX = 'webhook-';
export const webhookStreamId = (subscriptionId: string): string =>
  `${WEBHOOK_STREAM_PREFIX}${subscriptionId}`;

/** `["*"]` subscribes to every event type. */
export const ALL_EVENT_TYPES = '*';

// Types, not interfaces: they must fit the store's `Record<string, unknown>` event data.
export type WebhookSubscribed = DomainEvent<
  'WebhookSubscribed',
  {
    readonly subscriptionId: string;
    readonly url: string;
    readonly eventTypes: readonly string[];
    /** The signing secret sealed with the master key (SecretBox); the plain `whsec_…` is never stored. */
    readonly sealedSecret: string;
    readonly createdBy: string | null;
    /** The log's head at subscription: deliveries begin after it (new events only). */
    readonly startAfter: number;
  }
>;

export type WebhookUnsubscribed = DomainEvent<'WebhookUnsubscribed', { readonly subscriptionId: string }>;

export type WebhookDisabled = DomainEvent<
  'WebhookDisabled',
  { readonly subscriptionId: string; readonly reason: string; readonly failingSince: string }
>;

/**
 * One sender (an instance's delivery loop, `sender` its id for this process) delivers the
 * subscription until `until`; the others leave it alone meanwhile, so instances polling the same
 * log do not all send each message. Renewed while the sender has work; a sender that dies is
 * replaced once its claim runs out.
 */
export type WebhookSenderClaimed = DomainEvent<
  'WebhookSenderClaimed',
  { readonly subscriptionId: string; readonly sender: string; readonly until: string }
>;

/** The sender gives its claim up (a clean stop), so another instance need not wait it out. */
export type WebhookSenderReleased = DomainEvent<
  'WebhookSenderReleased',
  { readonly subscriptionId: string; readonly sender: string }
>;

/** One acknowledged message of a run. */
export type DeliveryRecord = {
  readonly position: number;
  readonly eventType: string;
  readonly attempts: number;
  /** The receiver's 2xx status. */
  readonly status: number;
};

/**
 * Acknowledges a run of deliveries: every event up to `position` (the new cursor) was delivered or
 * does not match the subscription. One event for many messages keeps the log from doubling.
 */
export type WebhookDelivered = DomainEvent<
  'WebhookDelivered',
  {
    readonly subscriptionId: string;
    readonly position: number;
    readonly deliveries: readonly DeliveryRecord[];
  }
>;

/** One failed attempt at the message of `position`; `status` when the receiver answered, `error` when not. */
export type WebhookDeliveryFailed = DomainEvent<
  'WebhookDeliveryFailed',
  {
    readonly subscriptionId: string;
    readonly position: number;
    readonly eventType: string;
    readonly attempt: number;
    readonly status: number | null;
    readonly error: string | null;
    readonly nextAttemptAt: string;
  }
>;

export type WebhookEvent =
  | WebhookSubscribed
  | WebhookUnsubscribed
  | WebhookDisabled
  | WebhookSenderClaimed
  | WebhookSenderReleased
  | WebhookDelivered
  | WebhookDeliveryFailed;

export const WEBHOOK_EVENT_TYPES: ReadonlySet<string> = new Set<WebhookEvent['type']>([
  'WebhookSubscribed',
  'WebhookUnsubscribed',
  'WebhookDisabled',
  'WebhookSenderClaimed',
  'WebhookSenderReleased',
  'WebhookDelivered',
  'WebhookDeliveryFailed',
]);
