import { invalid } from '../shared/domain-error.js';

declare const passwordBrand: unique symbol;
/** A plain password that satisfies the policy. It lives only for one request and is never stored. */
export type PlainPassword = string & { readonly [passwordBrand]: true };

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;

/**
 * Length is counted in Unicode code points, as people count characters. The policy allows up to
 * 128 of them (up to 512 UTF-8 bytes); the hasher pre-hashes so bcrypt's 72-byte limit never
 * silently truncates.
 */
export function parsePassword(raw: string, field = 'password'): PlainPassword {
  const length = [...raw].length;
  if (length < PASSWORD_MIN) throw invalid(field, `must be at least ${PASSWORD_MIN} characters`);
  if (length > PASSWORD_MAX) throw invalid(field, `must be at most ${PASSWORD_MAX} characters`);
  if (raw.trim().length === 0) throw invalid(field, 'must not be only white space');
  return raw as PlainPassword;
}
