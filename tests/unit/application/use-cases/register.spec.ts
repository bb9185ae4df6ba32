import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError } from '../../../../src/domain/shared/domain-error.js';
import { PASSWORD, typesOf, useCaseHarness, type UseCaseHarness } from '../../../support/use-case-harness.js';

let h: UseCaseHarness;
beforeAll(async () => {
  h = await useCaseHarness();
});
afterAll(() => h.close());

describe('RegisterUser', () => {
  it('claims the email, then appends UserRegistered with the user as actor and no plain password', async () => {
    const ctx = h.ctx();
    const events = await h.appendedBy(() =>
      h.useCases.register.execute({ email: 'Ada@Example.COM ', password: PASSWORD }, ctx),
    );
    // The verification mail is queued by the same append as the user.
    expect(typesOf(events)).toEqual(['IdentifierClaimed', 'UserRegistered', 'EmailVerificationRequested']);
    const [claim, registered, verification] = events;
    expect(verification?.streamId).toBe(registered?.streamId);
    expect(verification?.data).toMatchObject({ email: 'ada@example.com' });
    expect(verification?.data).not.toHaveProperty('token');
    // Named by the keyed hash of the address: no stream id holds it.
    expect(claim?.streamId).toBe(h.claimStream('email', 'ada@example.com'));
    expect(claim?.streamId).not.toContain('ada');
    expect(registered?.data).toMatchObject({ email: 'ada@example.com', role: 'user' });
    expect(registered?.metadata).toMatchObject({
      requestId: ctx.requestId,
      ip: ctx.ip,
      actorId: registered?.data.userId,
    });
    expect(JSON.stringify(events)).not.toContain(PASSWORD);
  });

  it('given the email is held by a registered user: email_taken, and nothing appended', async () => {
    await h.useCases.register.execute({ email: 'taken@example.com', password: PASSWORD }, h.ctx());
    let refusal: unknown;
    const events = await h.appendedBy(() =>
      h.useCases.register
        .execute({ email: 'TAKEN@example.com', password: PASSWORD }, h.ctx())
        .catch((error: unknown) => (refusal = error)),
    );
    expect(refusal).toBeInstanceOf(DomainError);
    expect((refusal as DomainError).code).toBe('email_taken');
    expect(events).toEqual([]);
  });

  it('given a claim whose registration crashed before its user: adopts it (same id), no second claim', async () => {
    const orphanId = '0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0';
    await h.given(h.claimStream('email', 'orphan@example.com'), [
      { type: 'IdentifierClaimed', data: { kind: 'email', value: 'orphan@example.com', userId: orphanId } },
    ]);
    const events = await h.appendedBy(() =>
      h.useCases.register.execute({ email: 'orphan@example.com', password: PASSWORD }, h.ctx()),
    );
    expect(typesOf(events)).toEqual(['UserRegistered', 'EmailVerificationRequested']);
    expect(events[0]?.streamId).toBe(`user-${orphanId}`);
  });

  it('honours a claim stream named by the plain address (a store from before keyed claims)', async () => {
    const ownerId = '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';
    await h.given(`user-${ownerId}`, [
      {
        type: 'UserRegistered',
        data: {
          userId: ownerId,
          email: 'legacy@example.com',
          username: null,
          fullName: null,
          passwordHash: 'not-a-real-hash',
          role: 'user',
        },
      },
    ]);
    await h.given('email-legacy@example.com', [
      { type: 'IdentifierClaimed', data: { kind: 'email', value: 'legacy@example.com', userId: ownerId } },
    ]);
    let refusal: unknown;
    const events = await h.appendedBy(() =>
      h.useCases.register
        .execute({ email: 'legacy@example.com', password: PASSWORD }, h.ctx())
        .catch((error: unknown) => (refusal = error)),
    );
    expect((refusal as DomainError).code).toBe('email_taken');
    expect(events).toEqual([]);
  });

  it('refuses a weak password with a field problem before any append', async () => {
    let refusal: unknown;
    const events = await h.appendedBy(() =>
      h.useCases.register
        .execute({ email: 'weak@example.com', password: 'short' }, h.ctx())
        .catch((error: unknown) => (refusal = error)),
    );
    expect((refusal as DomainError).code).toBe('validation_failed');
    expect((refusal as DomainError).fieldProblems.map((p) => p.field)).toContain('password');
    expect(events).toEqual([]);
  });
});
