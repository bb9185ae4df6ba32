import type { StoredEvent } from '../ports/event-store.port.js';
import { upcast } from '../upcasters.js';

/** Fields that are state, not information: they never leave through the API, logs or exports. */
const SECRET_FIELDS: ReadonlySet<string> = new Set([
  'passwordHash',
  'refreshTokenDigest',
  // The second factor: the sealed TOTP secret and every digest of a code or token.
  'sealedSecret',
  'recoveryCodeDigests',
  'codeDigest',
  'tokenDigest',
  // A mailed reset or verification token, sealed under the master key for the mail sender.
  'sealedToken',
]);

export interface PublicEvent {
  readonly type: string;
  readonly version: number;
  readonly streamVersion: number;
  readonly position: number;
  readonly occurredAt: string;
  readonly data: Readonly<Record<string, unknown>>;
  /** The audit chain's hash of the event as stored (secrets included), so gaps can be proven. */
  readonly hash: string | null;
  readonly prevHash: string | null;
}

export function publicEvent(stored: StoredEvent): PublicEvent {
  const event = upcast(stored);
  const data = Object.fromEntries(Object.entries(event.data).filter(([key]) => !SECRET_FIELDS.has(key)));
  return {
    type: event.type,
    version: event.version,
    streamVersion: event.streamVersion,
    position: event.position,
    occurredAt: event.occurredAt.toISOString(),
    data,
    // From the stored event, not the upcast one: the chain covers what is stored.
    hash: stored.hash,
    prevHash: stored.prevHash,
  };
}

/**
 * One event as the live stream and webhooks show it: the admin events view plus `stream_id` and
 * the audit metadata (request id, address, user agent, actor), never a secret.
 */
export function streamedEvent(
  stored: StoredEvent,
): Readonly<Record<string, unknown>> & { type: string; occurred_at: string } {
  const event = publicEvent(stored);
  const { requestId, ip, userAgent, actorId } = stored.metadata;
  return {
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
  };
}
