import { describe, expect, it } from 'vitest';
import { DomainError } from '../../../src/domain/shared/domain-error.js';
import { parseFullName } from '../../../src/domain/user/full-name.js';

const refusal = (raw: string): DomainError => {
  try {
    parseFullName(raw);
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(raw)} to be refused`);
};

describe('full_name character rules (issue 9, finding 19)', () => {
  it.each([
    ['U+202E right-to-left override', 'Alice\u202Egnp.exe'],
    ['U+202A left-to-right embedding', '\u202AAlice'],
    ['U+202D left-to-right override', 'Al\u202Dice'],
    ['U+2066 left-to-right isolate', 'Alice\u2066x'],
    ['U+2069 pop directional isolate', 'Alice\u2069'],
    ['a lone high surrogate', 'Alice \uD800'],
    ['a lone low surrogate', '\uDC00 Alice'],
    ['U+0085 next line (C1)', 'Alice\u0085Bob'],
    ['U+009B control sequence introducer (C1)', 'Alice\u009B31m'],
    ['U+001B escape (C0)', 'Alice\u001B[2J'],
    ['U+007F delete', 'Alice\u007F'],
  ])('refuses %s, naming full_name', (_label, raw) => {
    const error = refusal(raw);
    expect(error.code).toBe('validation_failed');
    expect(error.fieldProblems.map((p) => p.field)).toEqual(['full_name']);
  });

  it.each(['Ada Lovelace', 'José Ñúñez', 'محمد علي', 'שלום עליכם', '山田 太郎', 'Zoë 😀 O’Brien'])(
    'keeps %j as it is',
    (name) => {
      expect(parseFullName(`  ${name} `)).toBe(name);
    },
  );
});
