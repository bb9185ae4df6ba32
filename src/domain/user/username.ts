import { invalid } from '../shared/domain-error.js';

declare const usernameBrand: unique symbol;
/** A username as the user typed it (trimmed); uniqueness compares its lower-cased key. */
export type Username = string & { readonly [usernameBrand]: true };

const isUsernameChar = (c: number): boolean =>
  (c >= 0x41 && c <= 0x5a) ||
  (c >= 0x61 && c <= 0x7a) ||
  (c >= 0x30 && c <= 0x39) ||
  c === 0x5f ||
  c === 0x2e ||
  c === 0x2d;

export function parseUsername(raw: string, field = 'username'): Username {
  const value = raw.trim();
  if (value.length < 3 || value.length > 32) throw invalid(field, 'must be 3 to 32 characters');
  for (let i = 0; i < value.length; i++) {
    if (!isUsernameChar(value.charCodeAt(i))) {
      throw invalid(field, 'may contain only letters, digits, "_", "." and "-"');
    }
  }
  // An "@" can never appear, so a login identifier is unambiguous: with "@" it is an email.
  return value as Username;
}

export const usernameKey = (username: Username): string => username.toLowerCase();
