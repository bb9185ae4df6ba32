import { streamedEvent } from '../admin/public-event.js';
import type { StoredEvent } from '../ports/event-store.port.js';

/**
 * The Standard Webhooks body of one event: `{type, timestamp, data}` where `data` is the event as
 * the live stream shows it (the admin events view plus `stream_id` and metadata, no secrets).
 */
export function webhookPayload(stored: StoredEvent): string {
  const event = streamedEvent(stored);
  return JSON.stringify({ type: event.type, timestamp: event.occurred_at, data: event });
}

/** `webhook-id`: stable per event (its global position), so every retry carries the same one. */
export const webhookMessageId = (stored: StoredEvent): string => `evt_${stored.position}`;
