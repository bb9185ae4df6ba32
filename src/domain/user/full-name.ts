import { invalid } from '../shared/domain-error.js';

const MAX_FULL_NAME = 200;

/** C0 and C1 controls and DEL (Unicode category Cc). They break logs and terminals. */
const CONTROL = /\p{Cc}/u;
/**
 * Bidi embeddings, overrides (U+202A–202E) and isolates (U+2066–2069) let a name display as
 * something else than it is ("Trojan Source"), in admin lists and in the audit trail.
 */
const BIDI_CONTROL = /[\u202A-\u202E\u2066-\u2069]/u;
/** A lone surrogate is not text: it cannot be encoded as UTF-8 and breaks stores and clients. */
const LONE_SURROGATE = /\p{Cs}/u;

/** Trims; an empty name means "no name". */
export function parseFullName(raw: string, field = 'full_name'): string | null {
  const value = raw.trim();
  if (value.length === 0) return null;
  if (value.length > MAX_FULL_NAME) throw invalid(field, `must be at most ${MAX_FULL_NAME} characters`);
  if (CONTROL.test(value)) throw invalid(field, 'must not contain control characters');
  if (BIDI_CONTROL.test(value))
    throw invalid(field, 'must not contain bidirectional override or isolate characters');
  if (LONE_SURROGATE.test(value)) throw invalid(field, 'must be well-formed Unicode (no lone surrogates)');
  return value;
}
