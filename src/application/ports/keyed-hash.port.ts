/**
 * Keyed hashes (HMAC) of personal values that must be compared for equality without being
 * stored: the email and username claim streams, the streams of login refusals and guess budgets
 * (identifiers and client addresses). Equal inputs give equal digests, so they still reveal that
 * two records name the same value, but not the value, to anyone without the master key.
 */
export interface KeyedHash {
  /** A short, stream-id-safe digest of `value` for `purpose` (values of two purposes never collide). */
  digest(purpose: string, value: string): string;
}
export const KEYED_HASH = Symbol('KeyedHash');
