import type { SessionRevocations } from '../../application/ports/session-revocations.port.js';

/**
 * Revoked session ids in memory, each kept until no access token of that session can still be
 * unexpired (revocation time + access-token lifetime + clock tolerance), so memory stays bounded
 * by the revocations of the last access-token lifetime.
 */
export class RevocationList implements SessionRevocations {
  private readonly revoked = new Map<string, number>();

  constructor(
    private readonly retentionMs: number,
    private readonly now: () => Date,
  ) {}

  isRevoked(sessionId: string): boolean {
    return this.revoked.has(sessionId);
  }

  markRevoked(sessionId: string, at: Date): void {
    this.revoked.set(sessionId, Math.max(this.revoked.get(sessionId) ?? 0, at.getTime()));
  }

  get size(): number {
    return this.revoked.size;
  }

  prune(): void {
    const horizon = this.now().getTime() - this.retentionMs;
    for (const [sessionId, at] of this.revoked) if (at < horizon) this.revoked.delete(sessionId);
  }
}
