/** A signed statement "the log's hash at `position` was `hash`", chained like every other event. */
export const AUDIT_CHECKPOINT_STREAM = 'audit-checkpoints';
export const AUDIT_CHECKPOINT_SIGNED = 'AuditCheckpointSigned';

// A type, not an interface: it must fit the store's `Record<string, unknown>` event data.
export type AuditCheckpointSignedData = {
  readonly position: number;
  readonly hash: string;
  /** Compact JWS, `typ: audit-checkpoint+jwt`, over `{iss, position, hash, iat}`. */
  readonly jws: string;
};

export function isAuditCheckpointData(
  data: Readonly<Record<string, unknown>>,
): data is AuditCheckpointSignedData {
  return (
    typeof data['position'] === 'number' &&
    typeof data['hash'] === 'string' &&
    typeof data['jws'] === 'string'
  );
}
