import { createHash, randomBytes } from 'node:crypto';
import type { IssuedRefreshToken, RefreshTokenCodec } from '../../application/ports/token-service.port.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const SECRET = /^[A-Za-z0-9_-]{43}$/;

const digestOf = (token: string): string => createHash('sha256').update(token, 'utf8').digest('base64url');

/**
 * `<sessionId>.<256-bit secret>`: the session id lets a refresh load its one session stream; the
 * secret is never stored, only a SHA-256 digest of the whole token (a fast hash is right here: the
 * secret has 256 bits of entropy, so there is nothing to brute-force).
 */
export class OpaqueRefreshTokenCodec implements RefreshTokenCodec {
  issue(sessionId: string): IssuedRefreshToken {
    const token = `${sessionId}.${randomBytes(32).toString('base64url')}`;
    return { token, digest: digestOf(token) };
  }

  parse(token: string): { sessionId: string; digest: string } | null {
    if (token.length !== 36 + 1 + 43) return null;
    const sessionId = token.slice(0, 36);
    if (token[36] !== '.' || !UUID.test(sessionId) || !SECRET.test(token.slice(37))) return null;
    return { sessionId, digest: digestOf(token) };
  }
}
