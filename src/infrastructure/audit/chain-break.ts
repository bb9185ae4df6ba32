/**
 * Names what happened at the first position whose hash does not follow: only on failure, so it
 * may read ahead. An event's stored hash and prev_hash travel with it when rows are moved, which
 * tells where it came from: the position at which its own hash re-computes.
 */
import type { EventStore, StoredEvent } from '../../application/ports/event-store.port.js';
import { chainHash } from '../event-store/hash-chain.js';

const SEARCH = 64;

export interface ChainBreak {
  readonly position: number;
  readonly reason: string;
}

/** The position at which `event`'s stored hash is its own, near where it is now. */
function origin(event: StoredEvent): number | undefined {
  if (event.prevHash === null || event.hash === null) return undefined;
  for (let delta = 0; delta <= SEARCH; delta += 1) {
    for (const q of delta === 0 ? [event.position] : [event.position - delta, event.position + delta]) {
      if (q >= 1 && chainHash(event.prevHash, { ...event, position: q }) === event.hash) return q;
    }
  }
  return undefined;
}

export async function classifyBreak(
  store: EventStore,
  event: StoredEvent,
  running: string,
): Promise<ChainBreak> {
  const p = event.position;
  const from = origin(event);
  if (from === undefined) {
    return event.prevHash === running
      ? { position: p, reason: 'edited: its content no longer matches its hash' }
      : { position: p, reason: 'inserted: it links to no event before it' };
  }
  if (from === p) return { position: p, reason: 'inserted: the event before it was replaced or inserted' };
  if (from < p) return { position: from, reason: `inserted: events were inserted from position ${from} on` };
  const ahead = await store.readAll(p, from - p);
  if (ahead.some((later) => origin(later) === p)) {
    return { position: p, reason: `reordered: it was stored at position ${from}` };
  }
  return { position: p, reason: `missing: events were deleted before it (it was at position ${from})` };
}
