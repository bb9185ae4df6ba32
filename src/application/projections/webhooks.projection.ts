import { WEBHOOK_EVENT_TYPES, type WebhookEvent } from '../../domain/webhook/webhook.events.js';
import { narrowTo } from '../event-sourcing.js';
import type { WebhookView } from '../ports/webhook-read-model.port.js';
import type { Projection } from './projection.js';

/** The store holds what the webhook decider emitted; the type set is checked first. */
const asWebhookEvent = narrowTo<WebhookEvent>(WEBHOOK_EVENT_TYPES);

/** Per subscription: where it sends, its cursor, its failures and when it may be tried again. */
export const webhooksProjection: Projection<WebhookView> = {
  name: 'webhooks',
  eventTypes: WEBHOOK_EVENT_TYPES,

  documentId(event) {
    return asWebhookEvent(event)?.data.subscriptionId ?? null;
  },

  evolve(doc, event) {
    const e = asWebhookEvent(event);
    if (e === null) return doc;
    if (e.type === 'WebhookSubscribed') {
      return {
        id: e.data.subscriptionId,
        url: e.data.url,
        eventTypes: e.data.eventTypes,
        status: 'active',
        createdAt: event.occurredAt.toISOString(),
        createdBy: e.data.createdBy,
        cursor: e.data.startAfter,
        failures: 0,
        nextAttemptAt: null,
        disabledReason: null,
        seq: event.position,
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
};
