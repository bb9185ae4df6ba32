import type { SessionRevocations } from '../../application/ports/session-revocations.port.js';

/**
 * Revoked session ids in memory, each kept until no access token of that session can still be
 * unexpired (revocation time + access-token lifetime + clock tolerance), so memory stays bounded
 * by the revocations of the last access-token lifetime. It also knows how current it is: the
 * log follower reports each read that reached the head, and a view older than `stalenessLimitMs`
 * is not trusted to say "not revoked".
 */
export class RevocationList implements SessionRevocations {
  private readonly revoked = new Map<string, number>();
  /** Every revocation committed before this time (ms) is in the list; 0 until the first read. */
  private currentAsOf = 0;

  constructor(
    private readonly retentionMs: number,
    private readonly now: () => Date,
    private readonly stalenessLimitMs: number = Number.POSITIVE_INFINITY,
  ) {}

  isRevoked(sessionId: string): boolean {
    return this.revoked.has(sessionId);
  }

  markRevoked(sessionId: string, at: Date): void {
    this.revoked.set(sessionId, Math.max(this.revoked.get(sessionId) ?? 0, at.getTime()));
  }

  isCurrent(): boolean {
    return this.now().getTime() - this.currentAsOf <= this.stalenessLimitMs;
  }

  /** The log was read up to its head by a read that started at `readStartedAt`. */
  currentAt(readStartedAt: number): void {
    this.currentAsOf = Math.max(this.currentAsOf, readStartedAt);
  }

  get size(): number {
    return this.revoked.size;
  }

  prune(): void {
    const horizon = this.now().getTime() - this.retentionMs;
    for (const [sessionId, at] of this.revoked) if (at < horizon) this.revoked.delete(sessionId);
  }
}
