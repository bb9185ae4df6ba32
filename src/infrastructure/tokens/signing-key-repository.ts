import type { JWK } from 'jose';

/** A signing key as kept at rest. Insert-only: rotation adds a newer key, nothing is ever updated. */
export interface StoredSigningKey {
  readonly kid: string;
  readonly alg: 'ES256' | 'EdDSA' | 'RS256';
  readonly privateJwk: JWK;
  readonly publicJwk: JWK;
  readonly createdAt: string;
}

export interface SigningKeyRepository {
  list(): Promise<StoredSigningKey[]>;
  add(key: StoredSigningKey): Promise<void>;
}
