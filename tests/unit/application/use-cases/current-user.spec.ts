import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Principal } from '../../../../src/application/auth/authenticate.use-case.js';
import { DomainError } from '../../../../src/domain/shared/domain-error.js';
import { PASSWORD, useCaseHarness, type UseCaseHarness } from '../../../support/use-case-harness.js';

let h: UseCaseHarness;
beforeAll(async () => {
  h = await useCaseHarness();
});
afterAll(() => h.close());

const signedIn = async (email: string): Promise<Principal> => {
  await h.useCases.register.execute({ email, password: PASSWORD }, h.ctx());
  const pair = await h.useCases.logIn.execute({ identifier: email, password: PASSWORD }, h.ctx());
  const principal = await h.useCases.authenticate.execute(pair.accessToken);
  if (principal === null) throw new Error('a fresh access token did not authenticate');
  return principal;
};

/** The user streams `work` read, by spying on the store every use case reads through. */
async function userStreamsReadBy(work: () => Promise<unknown>): Promise<string[]> {
  const spy = vi.spyOn(h.store, 'readStream');
  try {
    await work();
    return spy.mock.calls.map(([streamId]) => streamId).filter((id) => id.startsWith('user-'));
  } finally {
    spy.mockRestore();
  }
}

describe('GetCurrentUser (GET /users/me)', () => {
  it('answers from the users read model: no read of the user stream per request', async () => {
    const principal = await signedIn('me-reads@example.com');
    let profile: unknown;
    const read = await userStreamsReadBy(async () => {
      for (let i = 0; i < 5; i++) profile = await h.useCases.currentUser.execute(principal);
    });
    expect(read).toEqual([]);
    expect(profile).toMatchObject({ id: principal.userId, email: 'me-reads@example.com', isActive: true });
    // The view's own fields (last login, seq) are not part of the profile.
    expect(Object.keys(profile as object).sort()).toEqual(
      [
        'createdAt',
        'email',
        'fullName',
        'id',
        'isActive',
        'mfaEnabled',
        'emailVerified',
        'role',
        'updatedAt',
        'username',
      ].sort(),
    );
  });

  it('reads its own writes at once, still without reading the stream', async () => {
    const principal = await signedIn('me-writes@example.com');
    for (const name of ['First Name', 'Second Name', 'Third Name']) {
      const { user } = await h.useCases.updateProfile.execute(principal, { fullName: name }, h.ctx());
      let seen: { fullName: string | null; updatedAt: string } | undefined;
      const read = await userStreamsReadBy(async () => {
        seen = await h.useCases.currentUser.execute(principal);
      });
      expect(read).toEqual([]);
      expect(seen).toMatchObject({ fullName: name, updatedAt: user.updatedAt });
    }
    const { user } = await h.useCases.updateProfile.execute(
      principal,
      { email: 'me-writes-new@example.com' },
      h.ctx(),
    );
    expect(await h.useCases.currentUser.execute(principal)).toEqual(user);
  });

  it('a user registered a moment ago by another writer is found (from the stream if need be)', async () => {
    const userId = 'registered-elsewhere';
    await h.given(`user-${userId}`, [
      {
        type: 'UserRegistered',
        data: {
          userId,
          email: 'me-elsewhere@example.com',
          username: null,
          fullName: null,
          passwordHash: 'not-checked-here',
          role: 'user',
        },
      },
    ]);
    const principal: Principal = {
      userId,
      sessionId: 'elsewhere',
      role: 'user',
      authTime: new Date(),
      amr: ['pwd'],
    };
    expect(await h.useCases.currentUser.execute(principal)).toMatchObject({
      id: userId,
      email: 'me-elsewhere@example.com',
    });
  });

  it('a deactivated account is refused from the read model too', async () => {
    const principal = await signedIn('me-deactivated@example.com');
    await h.useCases.administerUsers.deactivate(principal.userId, h.ctx({ actorId: 'an-admin' }));
    const outcome = await h.useCases.currentUser.execute(principal).then(
      () => 'ok',
      (error: unknown) => (error instanceof DomainError ? error.code : 'other'),
    );
    expect(outcome).toBe('account_inactive');
  });
});
