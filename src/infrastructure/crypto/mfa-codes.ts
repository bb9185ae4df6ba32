import { createHash, randomBytes } from 'node:crypto';
import type { IssuedMfaToken, MfaCodes } from '../../application/ports/mfa-codes.port.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const SECRET = /^[A-Za-z0-9_-]{43}$/;
/** Crockford-style base32 without look-alikes is overkill for 16 characters; RFC 4648 base32 it is. */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const RECOVERY = /^[A-Z2-7]{16}$/;

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('base64url');

/** 80 random bits as 16 base32 characters, shown as `XXXX-XXXX-XXXX-XXXX`. */
const recoveryCode = (): string => {
  const bytes = randomBytes(10);
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31] ?? '';
      bits -= 5;
    }
  }
  return out.match(/.{4}/g)?.join('-') ?? out;
};

/**
 * SHA-256 digests: right for values with 80 (recovery codes) or 256 (mfa_token) random bits, which
 * nobody can brute-force from the log; a slow hash buys nothing there.
 */
export class OpaqueMfaCodes implements MfaCodes {
  issueChallengeToken(userId: string, challengeId: string): IssuedMfaToken {
    const token = `${userId}.${challengeId}.${randomBytes(32).toString('base64url')}`;
    return { token, digest: sha256(token) };
  }

  parseChallengeToken(token: string): { userId: string; challengeId: string; digest: string } | null {
    if (token.length !== 36 + 1 + 36 + 1 + 43) return null;
    const [userId = '', challengeId = '', secret = ''] = token.split('.');
    if (!UUID.test(userId) || !UUID.test(challengeId) || !SECRET.test(secret)) return null;
    return { userId, challengeId, digest: sha256(token) };
  }

  newRecoveryCodes(count: number): { codes: string[]; digests: string[] } {
    const codes = Array.from({ length: count }, recoveryCode);
    return { codes, digests: codes.map((code) => this.recoveryCodeDigest(code) ?? '') };
  }

  recoveryCodeDigest(code: string): string | null {
    const normalized = code.toUpperCase().replace(/[\s-]/g, '');
    return RECOVERY.test(normalized) ? sha256(`recovery-code:${normalized}`) : null;
  }
}
