import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TokenPair } from '../../../../src/application/auth/token-pair.js';
import { DomainError } from '../../../../src/domain/shared/domain-error.js';
import { PASSWORD, typesOf, useCaseHarness, type UseCaseHarness } from '../../../support/use-case-harness.js';

let h: UseCaseHarness;
beforeAll(async () => {
  // No grace: an old token presented again is reuse at once.
  h = await useCaseHarness({ REFRESH_REUSE_GRACE: '0' });
});
afterAll(() => h.close());

let accounts = 0;
const loggedIn = async (): Promise<TokenPair> => {
  const email = `refresh-${++accounts}@example.com`;
  await h.useCases.register.execute({ email, password: PASSWORD }, h.ctx());
  return h.useCases.logIn.execute({ identifier: email, password: PASSWORD }, h.ctx());
};

const codeOf = async (work: Promise<unknown>): Promise<string> =>
  work.then(
    () => 'ok',
    (error: unknown) => {
      if (error instanceof DomainError) return error.code;
      throw error;
    },
  );

const refusalOf = async (work: Promise<unknown>): Promise<{ code: string; message: string }> =>
  work.then(
    () => ({ code: 'ok', message: '' }),
    (error: unknown) => {
      if (error instanceof DomainError) return { code: error.code, message: error.message };
      throw error;
    },
  );

describe('RefreshSession', () => {
  it('rotates: TokenRefreshed in the session stream, a new refresh token, the same session', async () => {
    const login = await loggedIn();
    let next: TokenPair | null = null;
    const events = await h.appendedBy(async () => {
      next = await h.useCases.refresh.execute(login.refreshToken, h.ctx());
    });
    expect(typesOf(events)).toEqual(['TokenRefreshed']);
    expect(events[0]?.streamId).toBe(`session-${login.sessionId}`);
    expect(next).toMatchObject({ sessionId: login.sessionId, userId: login.userId });
    expect((next as TokenPair | null)?.refreshToken).not.toBe(login.refreshToken);
    expect(JSON.stringify(events)).not.toContain(login.refreshToken);
  });

  it('reuse of a rotated token revokes the whole session: the newest token stops working too', async () => {
    const login = await loggedIn();
    const rotated = await h.useCases.refresh.execute(login.refreshToken, h.ctx());
    let reuse = '';
    const events = await h.appendedBy(async () => {
      reuse = await codeOf(h.useCases.refresh.execute(login.refreshToken, h.ctx()));
    });
    expect(reuse).toBe('refresh_token_reused');
    expect(typesOf(events)).toEqual(['RefreshTokenReuseDetected', 'LoggedOut']);
    expect(events[1]?.data).toMatchObject({ sessionId: login.sessionId, reason: 'reuse' });
    expect(await codeOf(h.useCases.refresh.execute(rotated.refreshToken, h.ctx()))).not.toBe('ok');
  });

  it('ten concurrent refreshes of one token: exactly one rotation is appended', async () => {
    const login = await loggedIn();
    const outcomes = await Promise.all(
      Array.from({ length: 10 }, () => codeOf(h.useCases.refresh.execute(login.refreshToken, h.ctx()))),
    );
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(1);
    const stream = await h.store.readStream(`session-${login.sessionId}`);
    expect(stream.filter((e) => e.type === 'TokenRefreshed')).toHaveLength(1);
  });

  it('a token that was never issued is refused and appends nothing to any session', async () => {
    const login = await loggedIn();
    const forged = `${login.sessionId}.${'A'.repeat(43)}`;
    let outcome = '';
    const events = await h.appendedBy(async () => {
      outcome = await codeOf(h.useCases.refresh.execute(forged, h.ctx()));
    });
    expect(outcome).not.toBe('ok');
    expect(events.filter((e) => e.streamId === `session-${login.sessionId}`)).toEqual([]);
  });
});

// Last: the refusals it provokes are tallied, and a later test's appendedBy would see the tally.
describe('RefreshSession refusals', () => {
  it('a session cut off in the user stream is refused in the very words of an unknown token', async () => {
    const login = await loggedIn();
    // A cut-off whose sessions never got their own LoggedOut (one missing from the read model).
    await h.given(`user-${login.userId}`, [
      { type: 'AllSessionsEnded', data: { userId: login.userId, reason: 'logout-all', keptSessionId: null } },
    ]);
    const cutOff = await refusalOf(h.useCases.refresh.execute(login.refreshToken, h.ctx()));
    const unknown = await refusalOf(h.useCases.refresh.execute('not-a-refresh-token', h.ctx()));
    expect(cutOff.code).toBe('refresh_token_invalid');
    expect(cutOff).toEqual(unknown);
  });
});
