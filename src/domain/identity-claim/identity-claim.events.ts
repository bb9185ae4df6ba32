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

/** `value` is already normalised (lower-cased email or username key). */
export const claimStreamId = (kind: ClaimKind, value: string): string => `${kind}-${value}`;
