/**
 * Sessions revoked recently enough that their access tokens might still be unexpired. Held in
 * memory on every instance (fed from the event log), so checking a token costs a Map lookup.
 */
export interface SessionRevocations {
  isRevoked(sessionId: string): boolean;
  /** Takes effect at once on this instance; other instances learn it from the log. */
  markRevoked(sessionId: string, at: Date): void;
}
export const SESSION_REVOCATIONS = Symbol('SessionRevocations');
