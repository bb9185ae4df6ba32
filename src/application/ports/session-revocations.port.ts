/**
 * Sessions revoked recently enough that their access tokens might still be unexpired. Held in
 * memory on every instance (fed from the event log), so checking a token costs a Map lookup.
 */
export interface SessionRevocations {
  isRevoked(sessionId: string): boolean;
  /** Takes effect at once on this instance; other instances learn it from the log. */
  markRevoked(sessionId: string, at: Date): void;
  /**
   * Whether this instance's view of the log is recent enough (within REVOCATION_STALENESS_LIMIT)
   * for `isRevoked` returning false to mean "not revoked". When false, the caller must check the
   * session in the store instead: a stale view never makes a token valid.
   */
  isCurrent(): boolean;
}
export const SESSION_REVOCATIONS = Symbol('SessionRevocations');
