import { invalid } from '../shared/domain-error.js';

declare const emailBrand: unique symbol;
/** A syntactically valid, normalised (trimmed, lower-cased) email address. */
export type Email = string & { readonly [emailBrand]: true };

const MAX_EMAIL = 254;
const MAX_LOCAL = 64;
const MAX_LABEL = 63;

const isLocalChar = (c: number): boolean =>
  (c >= 0x61 && c <= 0x7a) || // a-z (input is lower-cased first)
  (c >= 0x30 && c <= 0x39) ||
  "!#$%&'*+/=?^_`{|}~.-".includes(String.fromCharCode(c));

const isLabelChar = (c: number): boolean =>
  (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2d;

/**
 * Parses an email with a single linear scan instead of a regular expression, so no input can
 * make validation backtrack. Accepts the dot-atom form that real mail providers hand out.
 */
export function parseEmail(raw: string, field = 'email'): Email {
  const value = raw.trim().toLowerCase();
  if (value.length === 0) throw invalid(field, 'must not be empty');
  if (value.length > MAX_EMAIL) throw invalid(field, `must be at most ${MAX_EMAIL} characters`);
  const at = value.indexOf('@');
  if (at <= 0 || at !== value.lastIndexOf('@')) throw invalid(field, 'must be a valid email address');
  const local = value.slice(0, at);
  const domain = value.slice(at + 1);
  if (local.length > MAX_LOCAL || local.startsWith('.') || local.endsWith('.') || local.includes('..')) {
    throw invalid(field, 'must be a valid email address');
  }
  for (let i = 0; i < local.length; i++) {
    if (!isLocalChar(local.charCodeAt(i))) throw invalid(field, 'must be a valid email address');
  }
  const labels = domain.split('.');
  if (labels.length < 2) throw invalid(field, 'must be a valid email address');
  for (const label of labels) {
    if (label.length === 0 || label.length > MAX_LABEL || label.startsWith('-') || label.endsWith('-')) {
      throw invalid(field, 'must be a valid email address');
    }
    for (let i = 0; i < label.length; i++) {
      if (!isLabelChar(label.charCodeAt(i))) throw invalid(field, 'must be a valid email address');
    }
  }
  return value as Email;
}
