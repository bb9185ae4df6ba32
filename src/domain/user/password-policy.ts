import { invalid } from '../shared/domain-error.js';

declare const passwordBrand: unique symbol;
/** A plain password that satisfies the policy. It lives only for one request and is never stored. */
export type PlainPassword = string & { readonly [passwordBrand]: true };

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;

/**
 * White space, format characters (zero-width space and joiners, bidi marks, the BOM) and other
 * default-ignorable code points: a password of only these looks empty and is typed by nobody.
 */
const INVISIBLE = /[\p{White_Space}\p{Cf}\p{Default_Ignorable_Code_Point}]/gu;
/** What people append to a listed word to pass composition rules: `Password1!` is `password`. */
const DECORATION = /[\d\p{P}\p{S}\s]+$/u;
const ONLY_DECORATION = /^[\d\p{P}\p{S}\s]*$/u;

/**
 * The same password typed on two keyboards can arrive as different code points ("é" precomposed or
 * "e" + combining accent); NFC makes them one. Applied on register, login and change alike.
 */
export const normalizePassword = (raw: string): string => raw.normalize('NFC');

/**
 * Length is counted in Unicode code points after NFC, as people count characters. Up to 128 of
 * them (up to 512 UTF-8 bytes); the hasher pre-hashes so bcrypt's 72-byte limit never truncates.
 */
export function parsePassword(raw: string, field = 'password'): PlainPassword {
  const value = normalizePassword(raw);
  const length = [...value].length;
  if (length < PASSWORD_MIN) throw invalid(field, `must be at least ${PASSWORD_MIN} characters`);
  if (length > PASSWORD_MAX) throw invalid(field, `must be at most ${PASSWORD_MAX} characters`);
  if (value.replace(INVISIBLE, '').length === 0) {
    throw invalid(field, 'must not be only white space or invisible characters');
  }
  return value as PlainPassword;
}

/** Who the password belongs to: it must not be their own identifiers. */
export interface PasswordOwner {
  readonly email: string;
  readonly username: string | null;
}

/** How a candidate is looked up in the list: case-folded, invisible characters removed. */
export const commonPasswordKey = (password: string): string =>
  normalizePassword(password).replace(INVISIBLE, ' ').trim().toLowerCase();

/**
 * The "standard" policy's checks beyond `parsePassword`: not in the list of common or breached
 * passwords (also once trailing digits and symbols are taken off), and not the owner's email, its
 * local part or username, case-insensitively. `common` is the list, loaded once and injected.
 */
export function screenPassword(
  password: PlainPassword,
  owner: PasswordOwner,
  common: { has(key: string): boolean },
  field = 'password',
): void {
  const key = commonPasswordKey(password);
  const undecorated = key.replace(DECORATION, '');
  if (common.has(key) || (undecorated !== key && common.has(undecorated))) {
    throw invalid(field, 'is too common: it appears in lists of breached passwords');
  }
  const email = owner.email.toLowerCase();
  const own = [email, email.split('@')[0] ?? '', owner.username?.toLowerCase() ?? ''].filter(
    (identifier) => identifier.length > 0,
  );
  const isOwn = (identifier: string): boolean =>
    key.startsWith(identifier) && ONLY_DECORATION.test(key.slice(identifier.length));
  if (own.some(isOwn)) {
    throw invalid(field, 'must not be your email address or username');
  }
}
