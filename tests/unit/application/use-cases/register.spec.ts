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
    expect(claim?.streamId).toBe('email-ada@example.com');
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
    await h.given('email-orphan@example.com', [
      { type: 'IdentifierClaimed', data: { kind: 'email', value: 'orphan@example.com', userId: orphanId } },
    ]);
    const events = await h.appendedBy(() =>
      h.useCases.register.execute({ email: 'orphan@example.com', password: PASSWORD }, h.ctx()),
    );
    expect(typesOf(events)).toEqual(['UserRegistered', 'EmailVerificationRequested']);
    expect(events[0]?.streamId).toBe(`user-${orphanId}`);
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
