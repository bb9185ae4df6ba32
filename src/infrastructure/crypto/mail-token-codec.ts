import { createHash, randomBytes } from 'node:crypto';
import type { MailTokenCodec } from '../../application/ports/mail-token.port.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const SECRET = /^[A-Za-z0-9_-]{43}$/;

/** 256-bit base64url secrets; SHA-256 is enough for a digest of that much entropy. */
export class OpaqueMailTokenCodec implements MailTokenCodec {
  issue(userId: string): { token: string; digest: string } {
    const token = `${userId}.${randomBytes(32).toString('base64url')}`;
    return { token, digest: digest(token) };
  }

  parse(token: string): { userId: string; digest: string } | null {
    if (token.length > 100) return null;
    const dot = token.indexOf('.');
    const userId = token.slice(0, dot);
    if (dot < 0 || !UUID.test(userId) || !SECRET.test(token.slice(dot + 1))) return null;
    return { userId, digest: digest(token) };
  }
}

const digest = (token: string): string => createHash('sha256').update(token).digest('base64url');
