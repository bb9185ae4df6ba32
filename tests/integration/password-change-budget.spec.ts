import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, expectProblem, registerAndLogIn } from '../support/api.js';
import { allEvents } from '../support/events.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

describe('issue 9 item 5: the password change is no unthrottled, unaudited guessing oracle', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp('embedded', { env: { LOCKOUT_THRESHOLD: '3' } });
  });
  afterAll(async () => {
    await app.dispose();
  });

  it('wrong current passwords are counted, locked and recorded like login guesses', async () => {
    const { id, tokens } = await registerAndLogIn(app);
    const change = (current: string) =>
      app.request('/users/me/password', {
        method: 'POST',
        token: tokens.access_token,
        json: { current_password: current, new_password: 'another good passphrase' },
      });
    await expectProblem(await change('guess number 1'), 401);
    await expectProblem(await change('guess number 2'), 401);
    const locking = await change('guess number 3');
    await expectProblem(locking, 429);
    expect(Number(locking.headers.get('retry-after'))).toBeGreaterThan(0);
    // Locked: even the right password is refused, and nothing changed.
    await expectProblem(await change(PASSWORD), 429);
    const events = (await allEvents(app)).filter((e) => e.data.userId === id);
    expect(events.some((e) => e.type === 'PasswordChanged')).toBe(false);
    const failed = events.filter((e) => e.type === 'LoginFailed');
    expect(failed.map((e) => e.data.outcome)).toEqual([
      'invalid_credentials',
      'invalid_credentials',
      'invalid_credentials',
      'locked',
    ]);
    expect(failed.every((e) => e.metadata.actorId === id)).toBe(true);
    expect(events.some((e) => e.type === 'AccountLocked')).toBe(true);
  });

  it('the right current password still changes it', async () => {
    const { tokens } = await registerAndLogIn(app);
    const response = await app.request('/users/me/password', {
      method: 'POST',
      token: tokens.access_token,
      json: { current_password: PASSWORD, new_password: 'another good passphrase' },
    });
    expect(response.status).toBe(204);
  });
});
