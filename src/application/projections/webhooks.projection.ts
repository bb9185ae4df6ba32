import {
  WEBHOOK_EVENT_TYPES,
  type WebhookEvent,
  type WebhookSenderClaimed,
  type WebhookSenderReleased,
} from '../../domain/webhook/webhook.events.js';
import type { WebhookView } from '../ports/webhook-read-model.port.js';
import { defineProjection } from './projection.js';

/** Which sender holds a subscription is the senders' business (its stream), not the list's. */
type Shown = Exclude<WebhookEvent, WebhookSenderClaimed | WebhookSenderReleased>;
const SENDERS: ReadonlySet<string> = new Set(['WebhookSenderClaimed', 'WebhookSenderReleased']);
const SHOWN: ReadonlySet<string> = new Set([...WEBHOOK_EVENT_TYPES].filter((type) => !SENDERS.has(type)));

/** Per subscription: where it sends, its cursor, its failures and when it may be tried again. */
export const webhooksProjection = defineProjection<WebhookView, Shown>({
  name: 'webhooks',
  eventTypes: SHOWN,

  documentId(e) {
    return e.data.subscriptionId;
  },

  evolve(doc, e) {
    if (e.type === 'WebhookSubscribed') {
      return {
        id: e.data.subscriptionId,
        url: e.data.url,
        eventTypes: e.data.eventTypes,
        status: 'active',
        createdAt: e.at,
        createdBy: e.data.createdBy,
        cursor: e.data.startAfter,
        failures: 0,
        nextAttemptAt: null,
        disabledReason: null,
        seq: e.position,
      };
    }
    if (doc === null) return null;
    switch (e.type) {
      case 'WebhookUnsubscribed':
        return { ...doc, status: 'deleted' };
      case 'WebhookDisabled':
        return { ...doc, status: 'disabled', disabledReason: e.data.reason };
      case 'WebhookDelivered':
        return { ...doc, cursor: e.data.position, failures: 0, nextAttemptAt: null };
      case 'WebhookDeliveryFailed':
        return { ...doc, failures: e.data.attempt, nextAttemptAt: e.data.nextAttemptAt };
    }
  },
});
