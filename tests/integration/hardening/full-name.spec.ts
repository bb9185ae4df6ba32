import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, PASSWORD, registerAndLogIn, uniqueEmail } from '../../support/api.js';
import { allEvents, mailSettled } from '../../support/events.js';
import { startTestApp, type TestApp } from '../../support/test-app.js';

describe('full_name over HTTP (issue 9, finding 19)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp('embedded');
  });
  afterAll(async () => {
    await app.dispose();
  });

  it.each([
    ['a bidi override', 'Mallory\u202Etxt.exe'],
    ['a bidi isolate', 'Mallory\u2067x'],
    ['a lone surrogate', 'Mallory\uD83D'],
    ['a C1 control', 'Mallory\u009B'],
  ])('register with %s in full_name (or its alias name) is 422 and registers nothing', async (_l, name) => {
    // Earlier registrations' verification mails are recorded by the sender, not by these requests.
    await mailSettled(app);
    const before = (await allEvents(app)).length;
    for (const field of ['full_name', 'name']) {
      const email = uniqueEmail('bidi');
      const response = await app.request('/auth/register', {
        method: 'POST',
        json: { email, password: PASSWORD, [field]: name },
      });
      const problem = await expectProblem(response, 422);
      expect(problem.errors?.map((e) => e.field)).toContain('full_name');
    }
    expect((await allEvents(app)).length).toBe(before);
  });

  it('PATCH /users/me with a bidi override in full_name is 422 and changes nothing', async () => {
    const { tokens } = await registerAndLogIn(app, { full_name: 'Honest Name' });
    // Earlier registrations' verification mails are recorded by the sender, not by these requests.
    await mailSettled(app);
    const before = (await allEvents(app)).length;
    const response = await app.request('/users/me', {
      method: 'PATCH',
      token: tokens.access_token,
      json: { full_name: 'Admin\u202E' },
    });
    const problem = await expectProblem(response, 422);
    expect(problem.errors?.map((e) => e.field)).toEqual(['full_name']);
    expect((await allEvents(app)).length).toBe(before);
    const me = await app.request('/users/me', { token: tokens.access_token });
    expect(((await me.json()) as { full_name: string }).full_name).toBe('Honest Name');
  });
});
