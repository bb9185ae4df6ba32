/**
 * The hash chain both event stores write (API.md, "The audit trail leaves the building intact"):
 * hash(p) = hex SHA-256 of `hash(p-1) + "\n" + JCS(event p)`, 64 zeros before the first hashed
 * event. JCS is RFC 8785, so any receiver with any JSON library re-computes the same bytes.
 */
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { StoredEvent } from '../../application/ports/event-store.port.js';

export const GENESIS_HASH = '0'.repeat(64);

/**
 * An event exactly as stored: `occurredAt` as the ISO string, data and metadata as their JSON.
 * Everything of a StoredEvent but its own chain fields, which the hash cannot cover.
 */
export type ChainedEvent = Omit<StoredEvent, 'hash' | 'prevHash'>;

export function canonicalEvent(event: ChainedEvent): string {
  const text = canonicalize({
    type: event.type,
    version: event.version,
    stream_id: event.streamId,
    stream_version: event.streamVersion,
    position: event.position,
    occurred_at: event.occurredAt.toISOString(),
    data: event.data,
    metadata: event.metadata,
  });
  if (text === undefined) throw new TypeError(`Event at position ${event.position} has no JSON form.`);
  return text;
}

export function chainHash(prevHash: string, event: ChainedEvent): string {
  return createHash('sha256').update(prevHash).update('\n').update(canonicalEvent(event)).digest('hex');
}

/** The hashes of consecutive events after `prevHash`, in order. */
export function chainHashes(prevHash: string, events: readonly ChainedEvent[]): string[] {
  const hashes: string[] = [];
  let previous = prevHash;
  for (const event of events) {
    previous = chainHash(previous, event);
    hashes.push(previous);
  }
  return hashes;
}
