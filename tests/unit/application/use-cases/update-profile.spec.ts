import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../../../src/application/auth/authenticate.use-case.js';
import { DomainError } from '../../../../src/domain/shared/domain-error.js';
import { PASSWORD, typesOf, useCaseHarness, type UseCaseHarness } from '../../../support/use-case-harness.js';

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

const codeOf = async (work: Promise<unknown>): Promise<string> =>
  work.then(
    () => 'ok',
    (error: unknown) => {
      if (error instanceof DomainError) return error.code;
      throw error;
    },
  );

describe('UpdateProfile', () => {
  it('a new email: claims it, changes it, releases the old one, with the user as actor', async () => {
    const principal = await signedIn('profile-old@example.com');
    const events = await h.appendedBy(() =>
      h.useCases.updateProfile.execute(principal, { email: 'Profile-New@example.com' }, h.ctx()),
    );
    expect(typesOf(events)).toEqual([
      'IdentifierClaimed',
      'UserEmailChanged',
      'EmailVerificationRequested',
      'IdentifierReleased',
    ]);
    expect(events.map((e) => e.streamId)).toEqual([
      h.claimStream('email', 'profile-new@example.com'),
      `user-${principal.userId}`,
      `user-${principal.userId}`,
      h.claimStream('email', 'profile-old@example.com'),
    ]);
    expect(events[1]?.metadata.actorId).toBe(principal.userId);
  });

  it('an email another account holds: email_taken, the profile and both claims unchanged', async () => {
    await signedIn('profile-holder@example.com');
    const principal = await signedIn('profile-wants@example.com');
    let code = '';
    const events = await h.appendedBy(async () => {
      code = await codeOf(
        h.useCases.updateProfile.execute(principal, { email: 'profile-holder@example.com' }, h.ctx()),
      );
    });
    expect(code).toBe('email_taken');
    expect(events).toEqual([]);
  });

  it('the same values again append nothing', async () => {
    const principal = await signedIn('profile-same@example.com');
    const events = await h.appendedBy(() =>
      h.useCases.updateProfile.execute(principal, { email: 'profile-same@example.com' }, h.ctx()),
    );
    expect(events).toEqual([]);
  });

  it('a full name with a bidi override is refused with a field problem, nothing appended', async () => {
    const principal = await signedIn('profile-bidi@example.com');
    let code = '';
    const events = await h.appendedBy(async () => {
      code = await codeOf(h.useCases.updateProfile.execute(principal, { fullName: 'Eve\u202Emoc' }, h.ctx()));
    });
    expect(code).toBe('validation_failed');
    expect(events).toEqual([]);
  });
});
