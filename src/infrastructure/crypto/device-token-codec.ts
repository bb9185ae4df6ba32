import { createHash, randomBytes } from 'node:crypto';
import type { DeviceTokenCodec } from '../../application/ports/device-token.port.js';

const SHAPE = /^[A-Za-z0-9_-]{43}$/;

/** 256 random bits; SHA-256 is the right digest for a secret nobody can brute-force. */
export class OpaqueDeviceTokenCodec implements DeviceTokenCodec {
  issue(): { token: string; digest: string } {
    const token = randomBytes(32).toString('base64url');
    return { token, digest: this.hash(token) };
  }

  digestOf(token: string): string | null {
    return SHAPE.test(token) ? this.hash(token) : null;
  }

  private hash(token: string): string {
    return createHash('sha256').update(token, 'utf8').digest('base64url');
  }
}
