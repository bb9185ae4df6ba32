import type { JWK } from 'jose';

/**
 * A signing key as kept at rest. The private JWK is sealed under the master key with the record's
 * identity (kid, alg, createdAt, public JWK) as additional data, so the whole record is
 * authenticated: a record the service did not write does not open. Insert-only: rotation adds a
 * newer key, nothing is ever updated.
 */
export interface StoredSigningKey {
  readonly kid: string;
  readonly alg: 'ES256' | 'EdDSA' | 'RS256';
  readonly publicJwk: JWK;
  readonly createdAt: string;
  readonly sealedPrivateJwk: string;
}

export interface SigningKeyRepository {
  list(): Promise<StoredSigningKey[]>;
  add(key: StoredSigningKey): Promise<void>;
}
