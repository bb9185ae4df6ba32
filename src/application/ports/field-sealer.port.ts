/**
 * Encrypts one field of one subject's record before it goes into an event: the purpose (what the
 * value is) and the subject (whose it is) are bound to the ciphertext as associated data, so a
 * sealed value copied into another user's event, or used for another purpose, does not open.
 * Today every field is sealed under the master key; a per-subject data key (crypto-shredding) is
 * another adapter of this port, with no change to the callers.
 */
export interface SealedFieldRef {
  /** What the value is, e.g. `totp-secret`. Never changes for a kind of field. */
  readonly purpose: string;
  /** Whose it is: the user id. */
  readonly subjectId: string;
}

export interface FieldSealer {
  seal(ref: SealedFieldRef, plaintext: string): string;
  /** Throws when the value was not sealed for this purpose and subject (or under this key). */
  open(ref: SealedFieldRef, sealed: string): string;
}
export const FIELD_SEALER = Symbol('FieldSealer');
