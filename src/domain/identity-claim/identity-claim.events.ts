import type { DomainEvent } from '../shared/event.js';

export type ClaimKind = 'email' | 'username';

/**
 * Email and username uniqueness is decided by the event store itself: each normalised value has a
 * claim stream, and optimistic concurrency on it lets exactly one user own the value at a time,
 * across every instance, without a read model or a transaction.
 */
export type IdentifierClaimed = DomainEvent<
  'IdentifierClaimed',
  { readonly kind: ClaimKind; readonly value: string; readonly userId: string }
>;
export type IdentifierReleased = DomainEvent<
  'IdentifierReleased',
  { readonly kind: ClaimKind; readonly value: string; readonly userId: string }
>;
export type ClaimEvent = IdentifierClaimed | IdentifierReleased;

/**
 * `key` is the keyed hash (HMAC) of the normalised value (lower-cased email or username key), so
 * no stream id names an address. Stores written before that have streams named by the value itself.
 */
export const claimStreamId = (kind: ClaimKind, key: string): string => `${kind}-${key}`;
