/**
 * Authenticated encryption under the service's master key (DATA_ENCRYPTION_KEY). `context` names
 * the record a secret belongs to (its kind and identity, e.g. `signing-key:<kid>:<alg>:…`): it is
 * bound to the ciphertext, so a sealed value copied into another record, or a record whose
 * metadata was edited, does not open.
 */
export interface SecretBox {
  seal(plaintext: Uint8Array, context: string): string;
  /** Throws SecretBoxError when the value was not sealed by this key for this context. */
  open(sealed: string, context: string): Uint8Array;
}

export class SecretBoxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretBoxError';
  }
}

export const SECRET_BOX = Symbol('SecretBox');
