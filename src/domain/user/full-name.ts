import { invalid } from '../shared/domain-error.js';

const MAX_FULL_NAME = 200;

/** Trims; an empty name means "no name". Control characters are refused so logs stay readable. */
export function parseFullName(raw: string, field = 'full_name'): string | null {
  const value = raw.trim();
  if (value.length === 0) return null;
  if (value.length > MAX_FULL_NAME) throw invalid(field, `must be at most ${MAX_FULL_NAME} characters`);
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) throw invalid(field, 'must not contain control characters');
  }
  return value;
}
