import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError } from '../../../../src/domain/shared/domain-error.js';
import { RetryLaterError } from '../../../../src/domain/shared/retry-later-error.js';
import { PASSWORD, typesOf, useCaseHarness, type UseCaseHarness } from '../../../support/use-case-harness.js';

let h: UseCaseHarness;
beforeAll(async () => {
  h = await useCaseHarness({ LOCKOUT_THRESHOLD: '3', ACCOUNT_LOCKOUT_THRESHOLD: '5' });
});
afterAll(() => h.close());

const registered = async (email: string): Promise<string> =>
  (await h.useCases.register.execute({ email, password: PASSWORD }, h.ctx())).user.id;

const refusalOf = async (work: Promise<unknown>): Promise<DomainError> => {
  try {
    await work;
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
};

describe('LogIn', () => {
  it('a correct password starts a session: LoggedIn with the user as actor, tokens for that session', async () => {
    const userId = await registered('login-ok@example.com');
    let sessionId = '';
    const events = await h.appendedBy(async () => {
      const pair = await h.useCases.logIn.execute(
        { identifier: ' LOGIN-OK@example.com', password: PASSWORD },
        h.ctx(),
      );
      sessionId = pair.sessionId;
      expect(pair.userId).toBe(userId);
      expect(pair.refreshToken).not.toBe('');
      expect(pair.deviceToken).toBeDefined();
    });
    const loggedIn = events.find((e) => e.type === 'LoggedIn');
    expect(loggedIn?.streamId).toBe(`session-${sessionId}`);
    expect(loggedIn?.metadata).toMatchObject({ actorId: userId, ip: '203.0.113.7' });
    expect(JSON.stringify(events)).not.toContain(PASSWORD);
  });

  it('a wrong password and an unknown account are refused alike, each recorded as LoginFailed', async () => {
    await registered('login-wrong@example.com');
    const refusals: DomainError[] = [];
    const wrongEvents = await h.appendedBy(async () => {
      refusals.push(
        await refusalOf(
          h.useCases.logIn.execute(
            { identifier: 'login-wrong@example.com', password: 'nope-nope-nope' },
            h.ctx(),
          ),
        ),
      );
    });
    const unknownEvents = await h.appendedBy(async () => {
      refusals.push(
        await refusalOf(
          h.useCases.logIn.execute({ identifier: 'nobody@example.com', password: 'nope-nope-nope' }, h.ctx()),
        ),
      );
    });
    expect(refusals.map((e) => e.code)).toEqual(['invalid_credentials', 'invalid_credentials']);
    expect(refusals[0]?.message).toBe(refusals[1]?.message);
    expect(typesOf(wrongEvents)).toContain('LoginFailed');
    expect(typesOf(unknownEvents)).toContain('LoginFailed');
    expect(typesOf([...wrongEvents, ...unknownEvents])).not.toContain('LoggedIn');
  });

  it('after the threshold of wrong guesses from one address, even the right password waits (RetryLater)', async () => {
    await registered('login-lock@example.com');
    for (let i = 0; i < 3; i++) {
      await refusalOf(
        h.useCases.logIn.execute(
          { identifier: 'login-lock@example.com', password: `wrong-${i}-guess` },
          h.ctx(),
        ),
      );
    }
    const locked = await refusalOf(
      h.useCases.logIn.execute({ identifier: 'login-lock@example.com', password: PASSWORD }, h.ctx()),
    );
    expect(locked).toBeInstanceOf(RetryLaterError);
    expect((locked as RetryLaterError).retryAfterSeconds).toBeGreaterThan(0);
  });

  it('concurrent wrong guesses never check more than the threshold', async () => {
    await registered('login-race@example.com');
    const outcomes = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        refusalOf(
          h.useCases.logIn.execute(
            { identifier: 'login-race@example.com', password: `race-${i}-guess` },
            h.ctx(),
          ),
        ),
      ),
    );
    const checked = outcomes.filter((e) => e.code === 'invalid_credentials').length;
    expect(checked).toBeLessThanOrEqual(3);
    expect(outcomes.filter((e) => e instanceof RetryLaterError).length).toBe(12 - checked);
  });
});
