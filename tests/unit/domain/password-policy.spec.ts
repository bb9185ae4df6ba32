import { describe, expect, it } from 'vitest';
import { DomainError } from '../../../src/domain/shared/domain-error.js';
import { parsePassword, screenPassword } from '../../../src/domain/user/password-policy.js';

const LIST = new Set(['password', 'sunshine', 'iloveyou']);
const OWNER = { email: 'ada.lovelace@example.com', username: 'countess' };

const refusedField = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (error) {
    if (error instanceof DomainError) return error.fieldProblems[0]?.field;
    throw error;
  }
  return undefined;
};

describe('password rules in the domain (issue 9, finding 11)', () => {
  it('normalises to NFC and counts code points', () => {
    expect(parsePassword('cafe\u0301 cafe\u0301')).toBe('caf\u00e9 caf\u00e9');
    expect(refusedField(() => parsePassword('\u{1F600}'.repeat(7)))).toBe('password');
    expect(parsePassword('\u{1F600}'.repeat(8))).toHaveLength(16);
  });

  it.each([
    ['\u200B'.repeat(8)],
    ['\u2060\u200C\u200D\uFEFF\u200E\u200F\u00AD\u180E'],
    [' \t\u00A0\u3000 \u2028 '],
  ])('refuses invisible-only %j', (raw) => {
    expect(refusedField(() => parsePassword(raw, 'new_password'))).toBe('new_password');
  });

  it.each([
    'password',
    'PASSWORD',
    'Password1!',
    'sunshine2024',
    'iloveyou!!!',
    'Ada.Lovelace@Example.com',
    'ada.lovelace',
    'ADA.LOVELACE99',
    'Countess',
    'countess#1',
  ])('screens out %j', (candidate) => {
    expect(refusedField(() => screenPassword(parsePassword(candidate), OWNER, LIST))).toBe('password');
  });

  it.each(['password manager vault', 'correct horse battery', 'countess of lovelace'])(
    'keeps %j',
    (candidate) => {
      expect(() => screenPassword(parsePassword(candidate), OWNER, LIST)).not.toThrow();
    },
  );
});
