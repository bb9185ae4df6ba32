/**
 * Single-use tokens mailed for a password reset or an email verification: 256 random bits after
 * the user id (`<userId>.<secret>`), so a presented token names the stream to check it against
 * without any index, and only the digest is ever compared.
 */
export interface MailTokenCodec {
  issue(userId: string): { readonly token: string; readonly digest: string };
  /** Null when the token is not well-formed. */
  parse(token: string): { readonly userId: string; readonly digest: string } | null;
}
export const MAIL_TOKEN_CODEC = Symbol('MailTokenCodec');
