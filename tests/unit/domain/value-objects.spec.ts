import { describe, expect, it } from 'vitest';
import { DomainError } from '../../../src/domain/shared/domain-error.js';
import { parseEmail } from '../../../src/domain/user/email.js';
import { parseFullName } from '../../../src/domain/user/full-name.js';
import { parsePassword } from '../../../src/domain/user/password-policy.js';
import { parseUsername, usernameKey } from '../../../src/domain/user/username.js';

const fails = (fn: () => unknown): string => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    return (error as DomainError).fieldProblems[0]?.message ?? '';
  }
  throw new Error('expected a validation failure');
};

describe('email', () => {
  it('normalises by trimming and lower-casing', () => {
    expect(parseEmail('  Alice.Smith+tag@Example.COM ')).toBe('alice.smith+tag@example.com');
  });

  it.each([
    '',
    'plain',
    '@example.com',
    'a@',
    'a@b',
    'a@@b.com',
    'a b@c.com',
    'a..b@c.com',
    '.a@c.com',
    'a@-c.com',
    'a@c..com',
    `${'a'.repeat(65)}@c.com`,
  ])('rejects %j', (raw) => {
    expect(fails(() => parseEmail(raw))).not.toBe('');
  });

  it('validates pathological input in linear time (no backtracking)', () => {
    const hostile = `${'a'.repeat(100_000)}@${'b.'.repeat(50_000)}`;
    const started = performance.now();
    expect(() => parseEmail(hostile)).toThrow(DomainError);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('password policy', () => {
  it('accepts 8 to 128 characters counted as code points', () => {
    expect(parsePassword('12345678')).toBe('12345678');
    expect(parsePassword('🔑'.repeat(128))).toHaveLength(256);
  });

  it('rejects short, long and blank passwords', () => {
    expect(fails(() => parsePassword('1234567'))).toContain('at least 8');
    expect(fails(() => parsePassword('x'.repeat(129)))).toContain('at most 128');
    expect(fails(() => parsePassword('         '))).toContain('white space');
  });
});

describe('username', () => {
  it('accepts 3 to 32 of [A-Za-z0-9_.-] and compares case-insensitively', () => {
    expect(usernameKey(parseUsername(' Alice_01.x-y '))).toBe('alice_01.x-y');
  });

  it.each(['ab', 'a'.repeat(33), 'with space', 'at@sign', 'ünï'])('rejects %j', (raw) => {
    expect(fails(() => parseUsername(raw))).not.toBe('');
  });
});

describe('full name', () => {
  it('trims, treats empty as none and refuses control characters', () => {
    expect(parseFullName('  Ada Lovelace ')).toBe('Ada Lovelace');
    expect(parseFullName('   ')).toBeNull();
    expect(fails(() => parseFullName('evil\nname'))).toContain('control');
  });
});
