import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORES, startTestApp, type TestApp } from '../support/test-app.js';

describe.each(STORES)('register → log in → /users/me on the %s store', (store) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp(store);
  });
  afterAll(async () => {
    await app.dispose();
  });

  it('registers, logs in at once and reads the profile', async () => {
    const registered = await app.request('/auth/register', {
      method: 'POST',
      json: {
        email: '  Walker@Example.COM ',
        password: 'a long passphrase',
        name: 'Walker',
        username: 'walker',
      },
    });
    expect(registered.status).toBe(201);
    const user = (await registered.json()) as Record<string, unknown>;
    expect(user).toMatchObject({
      email: 'walker@example.com',
      username: 'walker',
      full_name: 'Walker',
      role: 'user',
      is_active: true,
    });
    expect(Object.keys(user).sort()).toEqual(
      [
        'created_at',
        'email',
        'full_name',
        'id',
        'is_active',
        'mfa_enabled',
        'email_verified',
        'role',
        'updated_at',
        'username',
      ].sort(),
    );

    const login = await app.request('/auth/login', {
      method: 'POST',
      json: { email: 'walker@example.com', password: 'a long passphrase' },
    });
    expect(login.status).toBe(200);
    expect(login.headers.get('cache-control')).toBe('no-store');
    const tokens = (await login.json()) as { access_token: string; token_type: string };
    expect(tokens.token_type).toBe('bearer');

    const me = await app.request('/users/me', { token: tokens.access_token });
    expect(me.status).toBe(200);
    expect(await me.json()).toEqual(user);
  });
});
