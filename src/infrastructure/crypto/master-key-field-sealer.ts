import type { FieldSealer, SealedFieldRef } from '../../application/ports/field-sealer.port.js';
import type { SecretBox } from '../../application/ports/secret-box.port.js';

/** The associated data: which field of whose record. Versioned, so the binding can evolve. */
const contextOf = (ref: SealedFieldRef): string => `field:v1:${ref.purpose}:${ref.subjectId}`;

/** Fields sealed with AES-256-GCM under the master key (the SecretBox), bound to purpose and subject. */
export class MasterKeyFieldSealer implements FieldSealer {
  constructor(private readonly box: SecretBox) {}

  seal(ref: SealedFieldRef, plaintext: string): string {
    return this.box.seal(Buffer.from(plaintext, 'utf8'), contextOf(ref));
  }

  open(ref: SealedFieldRef, sealed: string): string {
    return Buffer.from(this.box.open(sealed, contextOf(ref))).toString('utf8');
  }
}
