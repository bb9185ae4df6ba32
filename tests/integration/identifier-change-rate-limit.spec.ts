import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, registerAndLogIn, uniqueEmail } from '../support/api.js';
import { STORES, startTestApp, type TestApp } from '../support/test-app.js';

// Registration and identifier changes share the per-address `register` budget.
const LIMIT = 4;

describe.each(STORES)('issue 9 item 8: identifier changes are rate limited on the %s store', (store) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp(store, { env: { RATE_LIMIT_REGISTER_PER_HOUR: String(LIMIT) } });
  });
  afterAll(async () => {
    await app.dispose();
  });

  it('answers 429 with Retry-After at the limit, before claiming, even with a spoofed X-Forwarded-For', async () => {
    const { id, email, tokens } = await registerAndLogIn(app); // uses 1 of the budget
    const patch = (json: Record<string, unknown>, headers: Record<string, string> = {}) =>
      app.request('/users/me', { method: 'PATCH', token: tokens.access_token, json, headers });

    for (let i = 1; i < LIMIT; i += 1) {
      const response = await patch({ email: uniqueEmail(`change${i}`) });
      expect(response.status, await response.clone().text()).toBe(200);
    }
    const lastAllowed = (
      (await (await app.request('/users/me', { token: tokens.access_token })).json()) as {
        email: string;
      }
    ).email;
    expect(lastAllowed).not.toBe(email);

    const refusedEmail = uniqueEmail('refused');
    const refused = await patch({ email: refusedEmail }, { 'X-Forwarded-For': '203.0.113.9' });
    await expectProblem(refused, 429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    await expectProblem(await patch({ username: 'squatter' }), 429);
    await expectProblem(await patch({ email: refusedEmail.toUpperCase() }), 429);

    // Nothing changed and nothing was claimed: the refused email is still free to register elsewhere.
    const me = (await (await app.request('/users/me', { token: tokens.access_token })).json()) as {
      email: string;
      username: string | null;
    };
    expect(me).toMatchObject({ email: lastAllowed, username: null });
    const events = await app.runtime.storage.eventStore.readStream(`user-${id}`);
    expect(events.filter((e) => e.type === 'UserEmailChanged')).toHaveLength(LIMIT - 1);
    expect(JSON.stringify(events)).not.toContain('squatter');

    // A full_name-only change claims nothing and is not limited.
    const renamed = await patch({ full_name: 'Still Allowed' });
    expect(renamed.status, await renamed.clone().text()).toBe(200);
    // Setting the email already held is not a change either.
    expect((await patch({ email: lastAllowed })).status).toBe(200);
  });
});
