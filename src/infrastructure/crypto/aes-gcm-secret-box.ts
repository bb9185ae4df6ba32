import { createCipheriv, createDecipheriv, createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import { SecretBoxError, type SecretBox } from '../../application/ports/secret-box.port.js';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * AES-256-GCM with a random 96-bit IV per seal and the context as additional data. Sealed form:
 * `v1.<base64url(iv ‖ ciphertext ‖ tag)>`. Random IVs stay safe far beyond the number of records
 * this service seals under one key (NIST's 2^32 bound).
 */
export class AesGcmSecretBox implements SecretBox {
  /**
   * A KeyObject, not a Buffer: with a Buffer every cipher imports the key again, which made one
   * open of a small field cost 27 µs instead of 5 µs (and a seal 35 instead of 11) on the test
   * machine, a quarter of the rebuild's time with personal data sealed.
   */
  private readonly key: KeyObject;

  constructor(masterKey: Uint8Array) {
    if (masterKey.byteLength !== 32) throw new Error('The master key must be 32 bytes.');
    this.key = createSecretKey(Buffer.from(masterKey));
  }

  seal(plaintext: Uint8Array, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return `${VERSION}.${Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url')}`;
  }

  open(sealed: string, context: string): Uint8Array {
    const [version, payload, extra] = sealed.split('.');
    if (version !== VERSION || payload === undefined || extra !== undefined)
      throw new SecretBoxError('not a sealed value');
    const raw = Buffer.from(payload, 'base64url');
    if (raw.length < IV_BYTES + TAG_BYTES) throw new SecretBoxError('sealed value too short');
    const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
    try {
      return Buffer.concat([
        decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)),
        decipher.final(),
      ]);
    } catch {
      throw new SecretBoxError('sealed value does not authenticate under this key and context');
    }
  }
}
