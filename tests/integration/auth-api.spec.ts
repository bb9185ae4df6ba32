import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, form, logIn, PASSWORD, register, uniqueEmail, type Tokens } from '../support/api.js';
import { STORES, startTestApp, type TestApp } from '../support/test-app.js';

describe.each(STORES)('authentication API on the %s store', (store) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp(store, { env: { BODY_LIMIT: '4kb' } });
  });
  afterAll(async () => {
    await app.dispose();
  });

  describe('POST /auth/register', () => {
    it('names every invalid field with 422', async () => {
      const response = await app.request('/auth/register', {
        method: 'POST',
        json: { email: 'not-an-email', password: 'short', username: 'x' },
      });
      const problem = await expectProblem(response, 422);
      expect(problem.errors?.map((e) => e.field).sort()).toEqual(['email', 'password', 'username']);
    });

    it('rejects objects where strings are expected (no operator injection)', async () => {
      const response = await app.request('/auth/register', {
        method: 'POST',
        json: { email: { $ne: '' }, password: PASSWORD },
      });
      const problem = await expectProblem(response, 422);
      expect(problem.errors?.[0]?.field).toBe('email');
    });

    it('never lets the body choose a role', async () => {
      const email = uniqueEmail();
      const response = await app.request('/auth/register', {
        method: 'POST',
        json: { email, password: PASSWORD, role: 'admin', constructor: { prototype: { role: 'admin' } } },
      });
      expect(response.status).toBe(201);
      expect(((await response.json()) as { role: string }).role).toBe('user');
      // A JSON body carrying __proto__ is refused outright by the body parser, and nothing is stored.
      const protoEmail = uniqueEmail();
      const raw = `{"email":"${protoEmail}","password":"${PASSWORD}","__proto__":{"role":"admin"}}`;
      const proto = await app.request('/auth/register', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: raw,
      });
      await expectProblem(proto, 400);
      expect((await register(app, { email: protoEmail })).email).toBe(protoEmail);
    });

    it('accepts `name` as an alias of `full_name`', async () => {
      const user = await register(app, { name: '  Grace Hopper ' });
      expect(user).toMatchObject({ full_name: 'Grace Hopper' });
    });

    it('answers 409 for a taken email, case-insensitively and after trimming', async () => {
      const email = uniqueEmail('dup');
      await register(app, { email });
      const again = await app.request('/auth/register', {
        method: 'POST',
        json: { email: `  ${email.toUpperCase()} `, password: PASSWORD },
      });
      await expectProblem(again, 409);
    });

    it('answers 409 for a taken username, case-insensitively', async () => {
      const username = `u${Date.now().toString(36)}`;
      await register(app, { username });
      const again = await app.request('/auth/register', {
        method: 'POST',
        json: { email: uniqueEmail(), password: PASSWORD, username: username.toUpperCase() },
      });
      await expectProblem(again, 409);
    });

    it('answers 400 for malformed JSON, 413 over the body limit and 415 for other media types', async () => {
      const malformed = await app.request('/auth/register', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: '{"email":',
      });
      await expectProblem(malformed, 400);
      const huge = await app.request('/auth/register', {
        method: 'POST',
        json: { email: uniqueEmail(), password: PASSWORD, name: 'x'.repeat(10_000) },
      });
      await expectProblem(huge, 413);
      const xml = await app.request('/auth/register', {
        method: 'POST',
        headers: { 'Content-Type': 'application/xml' },
        body: '<user/>',
      });
      await expectProblem(xml, 415);
    });
  });

  describe('POST /auth/login', () => {
    let email: string;
    const username = `login${Date.now().toString(36)}`;
    beforeAll(async () => {
      email = (await register(app, { username })).email;
    });

    it('logs in with JSON by email or by username, and with the OAuth 2.0 password form', async () => {
      const byEmail = await logIn(app, email);
      expect(byEmail).toMatchObject({ token_type: 'bearer', expires_in: 900, refresh_expires_in: 604800 });
      const byUsername = await app.request('/auth/login', {
        method: 'POST',
        json: { username: username.toUpperCase(), password: PASSWORD },
      });
      expect(byUsername.status).toBe(200);
      const byForm = await app.request(
        '/auth/login',
        form({ username: email, password: PASSWORD, grant_type: 'password', scope: '' }),
      );
      expect(byForm.status).toBe(200);
      expect(byForm.headers.get('cache-control')).toBe('no-store');
    });

    it('answers an unknown account exactly like a wrong password', async () => {
      const wrong = await app.request('/auth/login', {
        method: 'POST',
        json: { email, password: 'wrong password' },
      });
      const unknown = await app.request('/auth/login', {
        method: 'POST',
        json: { email: uniqueEmail('ghost'), password: 'wrong password' },
      });
      const a = await expectProblem(wrong, 401);
      const b = await expectProblem(unknown, 401);
      expect(a).toEqual(b);
      expect(wrong.headers.get('www-authenticate')).toBe('Bearer');
      expect(unknown.headers.get('www-authenticate')).toBe('Bearer');
    });

    it('issues an ES256 at+jwt access token with the documented claims', async () => {
      const { access_token } = await logIn(app, email);
      const [header, payload] = access_token
        .split('.')
        .slice(0, 2)
        .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()) as Record<string, unknown>);
      expect(header).toMatchObject({ alg: 'ES256', typ: 'at+jwt' });
      expect(typeof header?.kid).toBe('string');
      expect(Object.keys(payload ?? {}).sort()).toEqual(
        ['amr', 'aud', 'auth_time', 'client_id', 'exp', 'iat', 'iss', 'jti', 'role', 'sid', 'sub'].sort(),
      );
      expect(payload).toMatchObject({
        iss: 'http://auth.test',
        aud: 'auth-service',
        client_id: 'auth-service',
        role: 'user',
      });
    });
  });

  describe('GET /users/me and /auth/me', () => {
    it('returns the user for a valid token on both paths', async () => {
      const user = await register(app);
      const { access_token } = await logIn(app, user.email);
      for (const path of ['/users/me', '/auth/me']) {
        const response = await app.request(path, { token: access_token });
        expect(response.status).toBe(200);
        expect(await response.json()).toEqual(user);
      }
    });

    it('answers 401 with a Bearer challenge, naming invalid_token only when one was sent', async () => {
      const none = await app.request('/users/me');
      await expectProblem(none, 401);
      expect(none.headers.get('www-authenticate')).toBe('Bearer');
      const garbage = await app.request('/users/me', { token: 'not.a.jwt' });
      await expectProblem(garbage, 401);
      expect(garbage.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    });
  });

  describe('conventions', () => {
    it('echoes a well-formed X-Request-Id and mints one otherwise', async () => {
      const echoed = await app.request('/health/live', { headers: { 'X-Request-Id': 'trace-123' } });
      expect(echoed.headers.get('x-request-id')).toBe('trace-123');
      const minted = await app.request('/health/live', { headers: { 'X-Request-Id': 'bad id with spaces' } });
      expect(minted.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('answers unknown routes with a problem document', async () => {
      await expectProblem(await app.request('/nope'), 404);
    });

    it('the token endpoint refuses unknown grants the OAuth way', async () => {
      const response = await app.request('/auth/token', form({ grant_type: 'client_credentials' }));
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await response.json()).toMatchObject({ error: 'unsupported_grant_type' });
    });

    it('the token endpoint runs the password and refresh_token grants', async () => {
      const user = await register(app);
      const password = await app.request(
        '/auth/token',
        form({ grant_type: 'password', username: user.email, password: PASSWORD }),
      );
      expect(password.status).toBe(200);
      const tokens = (await password.json()) as Tokens;
      const refreshed = await app.request(
        '/auth/token',
        form({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token }),
      );
      expect(refreshed.status).toBe(200);
      const bad = await app.request(
        '/auth/token',
        form({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token + 'x' }),
      );
      expect(bad.status).toBe(400);
      expect(await bad.json()).toMatchObject({ error: 'invalid_grant' });
    });
  });
});
