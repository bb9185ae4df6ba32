import { describe, expect, it } from 'vitest';
import type { PasswordHasher } from '../../src/application/ports/password-hasher.port.js';
import type { PlainPassword } from '../../src/domain/user/password-policy.js';

const plain = (password: string): PlainPassword => password as PlainPassword;

/** What every PasswordHasher adapter must do (src/application/ports/password-hasher.port.ts). */
export function describePasswordHasherContract(label: string, create: () => PasswordHasher): void {
  describe(`${label}: PasswordHasher contract`, () => {
    it('verifies the password it hashed and no other', async () => {
      const hasher = create();
      const hash = await hasher.hash(plain('correct horse battery staple'));
      expect(await hasher.verify('correct horse battery staple', hash)).toBe(true);
      for (const other of [
        'correct horse battery stapl',
        'Correct horse battery staple',
        '',
        ' correct horse battery staple',
      ]) {
        expect(await hasher.verify(other, hash), JSON.stringify(other)).toBe(false);
      }
    });

    it('salts: the same password hashes differently each time, and no hash holds it', async () => {
      const hasher = create();
      const [first, second] = [
        await hasher.hash(plain('same password')),
        await hasher.hash(plain('same password')),
      ];
      expect(first).not.toBe(second);
      for (const hash of [first, second]) {
        expect(hash).not.toContain('same password');
        expect(await hasher.verify('same password', hash)).toBe(true);
      }
    });

    it('counts every character: past 72 bytes (bcrypt reads no more), after a NUL, in any script', async () => {
      const hasher = create();
      const long = 'x'.repeat(127);
      const pairs: [string, string][] = [
        [`${long}a`, `${long}b`],
        // Four-byte characters: 72 bytes is 18 of them.
        ['𝒫'.repeat(20) + 'a', '𝒫'.repeat(20) + 'b'],
        ['before\u0000after', 'before\u0000other'],
        ['before\u0000after', 'before'],
        // Normalisation is the domain's (PlainPassword): the hasher compares what it is given.
        ['caf\u00e9 au lait', 'cafe\u0301 au lait'],
      ];
      for (const [password, other] of pairs) {
        const hash = await hasher.hash(plain(password));
        expect(await hasher.verify(password, hash)).toBe(true);
        expect(await hasher.verify(other, hash), JSON.stringify(other)).toBe(false);
      }
    });

    it('answers false for a malformed or truncated hash, never an error', async () => {
      const hasher = create();
      const hash = await hasher.hash(plain('a password'));
      for (const bad of [
        '',
        'not a hash',
        hash.slice(0, -5),
        hash.slice(0, 7),
        `${hash}x`,
        '$2b$04$',
        '$$$',
      ]) {
        expect(await hasher.verify('a password', bad), JSON.stringify(bad)).toBe(false);
      }
    });

    it('verifies against the dummy as a wrong password: false, whatever the password', async () => {
      const hasher = create();
      for (const password of ['', 'a password', 'x'.repeat(128)]) {
        expect(await hasher.verifyAgainstDummy(password)).toBe(false);
      }
    });
  });
}
