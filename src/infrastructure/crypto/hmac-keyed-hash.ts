import { createHmac, hkdfSync } from 'node:crypto';
import type { KeyedHash } from '../../application/ports/keyed-hash.port.js';

/**
 * HMAC-SHA-256 under a key derived from the master key (HKDF), cut to 128 bits of lower-case
 * hex: plenty against collisions among the identifiers of one service, short in stream ids.
 */
export class HmacKeyedHash implements KeyedHash {
  private readonly key: Buffer;

  constructor(masterKey: Uint8Array) {
    this.key = Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'auth-service keyed-hash v1', 32));
  }

  digest(purpose: string, value: string): string {
    return createHmac('sha256', this.key).update(`${purpose}\n${value}`, 'utf8').digest('hex').slice(0, 32);
  }
}
