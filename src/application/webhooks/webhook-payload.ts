import { publicEvent } from '../admin/public-event.js';
import type { StoredEvent } from '../ports/event-store.port.js';

/**
 * The Standard Webhooks body of one event: `{type, timestamp, data}` where `data` is the event as
 * the live stream shows it (the admin events view plus `stream_id` and metadata, no secrets).
 */
export function webhookPayload(stored: StoredEvent): string {
  const event = publicEvent(stored);
  const { requestId, ip, userAgent, actorId } = stored.metadata;
  return JSON.stringify({
    type: event.type,
    timestamp: event.occurredAt,
    data: {
      type: event.type,
      version: event.version,
      stream_id: stored.streamId,
      stream_version: event.streamVersion,
      position: event.position,
      occurred_at: event.occurredAt,
      data: event.data,
      metadata: {
        request_id: requestId ?? null,
        ip: ip ?? null,
        user_agent: userAgent ?? null,
        actor_id: actorId ?? null,
      },
      hash: event.hash,
      prev_hash: event.prevHash,
    },
  });
}

/** `webhook-id`: stable per event (its global position), so every retry carries the same one. */
export const webhookMessageId = (stored: StoredEvent): string => `evt_${stored.position}`;
