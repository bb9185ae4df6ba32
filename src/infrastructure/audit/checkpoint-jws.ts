/** Sign and check audit checkpoints with the service's signing keys (those of the JWKS). */
import { decodeProtectedHeader, jwtVerify, SignJWT } from 'jose';
import type { SigningKeyRing } from '../tokens/signing-key-ring.js';

export const CHECKPOINT_TYP = 'audit-checkpoint+jwt';

export interface CheckpointClaims {
  readonly iss: string;
  readonly position: number;
  readonly hash: string;
  readonly iat: number;
}

export async function signCheckpoint(
  keys: SigningKeyRing,
  claims: { readonly issuer: string; readonly position: number; readonly hash: string; readonly now: Date },
): Promise<string> {
  const key = keys.current();
  return new SignJWT({ position: claims.position, hash: claims.hash })
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: CHECKPOINT_TYP })
    .setIssuer(claims.issuer)
    .setIssuedAt(Math.floor(claims.now.getTime() / 1000))
    .sign(key.signingKey);
}

/**
 * The checkpoint's claims, or why it is not one of ours. Any key the ring ever held verifies,
 * retired ones included: a checkpoint stays provable long after its key stopped signing tokens.
 */
export async function verifyCheckpoint(
  keys: SigningKeyRing,
  jws: string,
): Promise<
  { readonly ok: true; readonly claims: CheckpointClaims } | { readonly ok: false; readonly reason: string }
> {
  try {
    const { kid } = decodeProtectedHeader(jws);
    const key = keys.historicVerificationKey(kid);
    if (key === null) return { ok: false, reason: `no key ${String(kid)} in the key ring` };
    const { payload } = await jwtVerify(jws, key.key, {
      typ: CHECKPOINT_TYP,
      algorithms: [key.alg],
      requiredClaims: ['iss', 'iat', 'position', 'hash'],
    });
    const { iss, iat, position, hash } = payload;
    if (
      typeof iss !== 'string' ||
      typeof iat !== 'number' ||
      typeof position !== 'number' ||
      typeof hash !== 'string'
    ) {
      return { ok: false, reason: 'claims of the wrong types' };
    }
    return { ok: true, claims: { iss, iat, position, hash } };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : 'not a JWS' };
  }
}
