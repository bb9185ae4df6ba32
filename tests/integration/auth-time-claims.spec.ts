import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerAndLogIn, type Tokens } from '../support/api.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

describe('issue 9 item 17: access tokens say when and how the password was proved', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp('embedded', { env: { REFRESH_REUSE_GRACE: '0' } });
  });
  afterAll(async () => {
    await app.dispose();
  });

  it('carries auth_time (login time, epoch seconds) and amr ["pwd"]; a refresh keeps auth_time', async () => {
    const before = Math.floor(Date.now() / 1000);
    const { tokens } = await registerAndLogIn(app);
    const after = Math.floor(Date.now() / 1000);
    const claims = decodeJwt(tokens.access_token);
    expect(claims.amr).toEqual(['pwd']);
    expect(typeof claims.auth_time).toBe('number');
    expect(claims.auth_time).toBeGreaterThanOrEqual(before);
    expect(claims.auth_time).toBeLessThanOrEqual(after);

    await new Promise((resolve) => setTimeout(resolve, 1100));
    const response = await app.request('/auth/refresh', {
      method: 'POST',
      json: { refresh_token: tokens.refresh_token },
    });
    expect(response.status, await response.clone().text()).toBe(200);
    const refreshed = decodeJwt(((await response.json()) as Tokens).access_token);
    expect(refreshed.iat).toBeGreaterThan(claims.iat ?? Infinity);
    expect(refreshed.auth_time).toBe(claims.auth_time);
    expect(refreshed.amr).toEqual(['pwd']);
  });
});
