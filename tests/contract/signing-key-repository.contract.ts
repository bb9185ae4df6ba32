import { describe, expect, it } from 'vitest';
import type {
  SigningKeyRepository,
  StoredSigningKey,
} from '../../src/infrastructure/tokens/signing-key-repository.js';

export interface SigningKeyRepositoryUnderTest {
  readonly repository: SigningKeyRepository;
  /** A second repository on the same storage: another instance, the CLI, or a restart. */
  readonly other: () => Promise<SigningKeyRepository>;
  readonly cleanup: () => Promise<void>;
}

export const storedKey = (n: number): StoredSigningKey => ({
  kid: `kid-${n}`,
  alg: 'ES256',
  publicJwk: { kty: 'EC', crv: 'P-256', x: `x-${n}`, y: `y-${n}` },
  createdAt: `2026-01-0${1 + (n % 9)}T00:00:00.000Z`,
  sealedPrivateJwk: `sealed-${n}`,
});

const byKid = (keys: readonly StoredSigningKey[]): StoredSigningKey[] =>
  [...keys].sort((a, b) => a.kid.localeCompare(b.kid));

/** Where signing keys are kept at rest (embedded: a file; MongoDB: a collection all instances share). */
export function describeSigningKeyRepositoryContract(
  label: string,
  create: () => Promise<SigningKeyRepositoryUnderTest>,
): void {
  describe(`${label}: SigningKeyRepository contract`, () => {
    it('lists nothing at first, then every key added, each exactly as it was added', async () => {
      const { repository, cleanup } = await create();
      try {
        expect(await repository.list()).toEqual([]);
        await repository.add(storedKey(1));
        await repository.add(storedKey(2));
        expect(byKid(await repository.list())).toEqual([storedKey(1), storedKey(2)]);
      } finally {
        await cleanup();
      }
    });

    it('shows the keys one repository added to another on the same storage', async () => {
      const { repository, other, cleanup } = await create();
      try {
        await repository.add(storedKey(3));
        const second = await other();
        expect(await second.list()).toEqual([storedKey(3)]);
        await second.add(storedKey(4));
        expect(byKid(await repository.list())).toEqual([storedKey(3), storedKey(4)]);
      } finally {
        await cleanup();
      }
    });

    it('keeps every one of concurrent additions', async () => {
      const { repository, cleanup } = await create();
      try {
        const keys = [5, 6, 7, 8, 9, 10, 11, 12].map(storedKey);
        await Promise.all(keys.map((key) => repository.add(key)));
        expect(byKid(await repository.list())).toEqual(byKid(keys));
      } finally {
        await cleanup();
      }
    });
  });
}
