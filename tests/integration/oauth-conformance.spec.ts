/**
 * Issue 9, findings 14 and 15: what OAuth 2.0 / OIDC clients check on the token, revocation,
 * userinfo and discovery endpoints. Each of these failed on the code this branch started from.
 */
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, form, PASSWORD, register, registerAndLogIn, type Tokens } from '../support/api.js';
import { STORES, startTestApp, type TestApp } from '../support/test-app.js';

/** RFC 6749 §5.2: plain JSON (not problem+json), no Bearer challenge, the given error code. */
async function expectOAuthError(response: Response, status: number, error: string): Promise<void> {
  const text = await response.text();
  expect(response.status, text).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  expect(response.headers.get('www-authenticate')).toBeNull();
  expect(response.headers.get('cache-control')).toBe('no-store');
  const body = JSON.parse(text) as Record<string, unknown>;
  expect(body.error).toBe(error);
  expect(typeof body.error_description).toBe('string');
}

describe.each(STORES)('OAuth conformance (%s)', (store) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp(store, { env: { LOCKOUT_THRESHOLD: '2', JWT_CLIENT_ID: 'default-client' } });
  });
  afterAll(async () => {
    await app.dispose();
  });
  const token = (fields: Record<string, string>) => app.request('/auth/token', form(fields));

  describe('finding 14: /auth/token errors per RFC 6749 §5.2', () => {
    it('wrong password and unknown user are 400 invalid_grant, never 401 with WWW-Authenticate', async () => {
      const user = await register(app);
      await expectOAuthError(
        await token({ grant_type: 'password', username: user.email, password: 'wrong password!' }),
        400,
        'invalid_grant',
      );
      await expectOAuthError(
        await token({ grant_type: 'password', username: 'nobody@example.com', password: PASSWORD }),
        400,
        'invalid_grant',
      );
      // /auth/login keeps its 401 problem for the tutorials' clients (another user: threshold 2).
      const other = await register(app);
      const login = await app.request('/auth/login', {
        method: 'POST',
        json: { email: other.email, password: 'wrong password!' },
      });
      await expectProblem(login, 401);
    });

    it('unknown, used and malformed refresh tokens are 400 invalid_grant', async () => {
      const { tokens } = await registerAndLogIn(app);
      const rotated = await token({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token });
      expect(rotated.status).toBe(200);
      for (const refresh_token of [
        tokens.refresh_token,
        'nonsense',
        `${tokens.refresh_token.slice(0, -2)}xx`,
      ]) {
        await expectOAuthError(
          await token({ grant_type: 'refresh_token', refresh_token }),
          400,
          'invalid_grant',
        );
      }
    });

    it('missing and malformed fields are 400 invalid_request (was 422 problem+json)', async () => {
      await expectOAuthError(await token({}), 400, 'invalid_request');
      await expectOAuthError(
        await token({ grant_type: 'password', username: 'a@example.com' }),
        400,
        'invalid_request',
      );
      await expectOAuthError(await token({ grant_type: 'refresh_token' }), 400, 'invalid_request');
      await expectOAuthError(await token({ grant_type: 'implicit' }), 400, 'unsupported_grant_type');
    });

    it('a lock is 429 with Retry-After, a deactivated account 403', async () => {
      const user = await register(app);
      for (let i = 0; i < 2; i++) {
        await token({ grant_type: 'password', username: user.email, password: 'wrong password!' });
      }
      const locked = await token({ grant_type: 'password', username: user.email, password: PASSWORD });
      expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
      await expectOAuthError(locked, 429, 'invalid_request');

      const other = await register(app);
      await app.runtime.useCases.administerUsers.deactivate(other.id, {
        requestId: 'test',
        ip: null,
        userAgent: null,
        actorId: 'test-admin',
      });
      await expectOAuthError(
        await token({ grant_type: 'password', username: other.email, password: PASSWORD }),
        403,
        'access_denied',
      );
    });
  });

  describe('finding 15: client_id, /userinfo, /auth/revoke, discovery', () => {
    it('access tokens carry client_id: the request’s, else JWT_CLIENT_ID (RFC 9068)', async () => {
      const user = await register(app);
      const named = (await (
        await token({ grant_type: 'password', username: user.email, password: PASSWORD, client_id: 'spa' })
      ).json()) as Tokens;
      expect(decodeJwt(named.access_token).client_id).toBe('spa');
      const plain = (await (
        await token({ grant_type: 'refresh_token', refresh_token: named.refresh_token })
      ).json()) as Tokens;
      expect(decodeJwt(plain.access_token).client_id).toBe('default-client');
    });

    it('GET /userinfo answers the OIDC standard claims; a bad token gets invalid_token', async () => {
      const { id, email, tokens } = await registerAndLogIn(app, {
        full_name: 'Ada L',
        username: `ada${Date.now()}`,
      });
      const response = await app.request('/userinfo', { token: tokens.access_token });
      expect(response.status).toBe(200);
      const info = (await response.json()) as Record<string, unknown>;
      expect(info).toMatchObject({ sub: id, email, email_verified: false, name: 'Ada L' });
      expect(typeof info.preferred_username).toBe('string');
      expect(Number.isInteger(info.updated_at)).toBe(true);
      expect(Math.abs((info.updated_at as number) - Date.now() / 1000)).toBeLessThan(120);
      const bad = await app.request('/userinfo', { token: `${tokens.access_token}x` });
      await expectProblem(bad, 401);
      expect(bad.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    });

    it('POST /auth/revoke with a refresh token ends the session; unknown tokens still 200', async () => {
      const { tokens } = await registerAndLogIn(app);
      const revoked = await app.request(
        '/auth/revoke',
        form({ token: tokens.refresh_token, token_type_hint: 'refresh_token' }),
      );
      expect(revoked.status).toBe(200);
      await expectOAuthError(
        await token({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token }),
        400,
        'invalid_grant',
      );
      expect((await app.request('/users/me', { token: tokens.access_token })).status).toBe(401);
      expect((await app.request('/auth/revoke', form({ token: 'never-issued' }))).status).toBe(200);
      expect((await app.request('/auth/revoke', form({ token: tokens.refresh_token }))).status).toBe(200);
    });

    it('POST /auth/revoke with an access token (even hinted wrongly) ends its session', async () => {
      const { tokens } = await registerAndLogIn(app);
      const revoked = await app.request(
        '/auth/revoke',
        form({ token: tokens.access_token, token_type_hint: 'refresh_token' }),
      );
      expect(revoked.status).toBe(200);
      expect((await app.request('/users/me', { token: tokens.access_token })).status).toBe(401);
      await expectOAuthError(
        await token({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token }),
        400,
        'invalid_grant',
      );
      const sessionId = tokens.refresh_token.split('.')[0] ?? '';
      const stream = await app.runtime.storage.eventStore.readStream(`session-${sessionId}`);
      expect(stream.map((e) => e.type)).toEqual(['LoggedIn', 'LoggedOut']);
    });

    it('POST /auth/revoke without token is 400 invalid_request and revokes nothing', async () => {
      const { tokens } = await registerAndLogIn(app);
      await expectOAuthError(
        await app.request('/auth/revoke', form({ token_type_hint: 'access_token' })),
        400,
        'invalid_request',
      );
      expect((await app.request('/users/me', { token: tokens.access_token })).status).toBe(200);
    });

    it('a forged refresh token for a real session id revokes nothing', async () => {
      const { tokens } = await registerAndLogIn(app);
      const forged = `${tokens.refresh_token.slice(0, 37)}${'A'.repeat(43)}`;
      expect((await app.request('/auth/revoke', form({ token: forged }))).status).toBe(200);
      expect((await app.request('/users/me', { token: tokens.access_token })).status).toBe(200);
    });

    it('discovery advertises the real userinfo and revocation endpoints and no ID token', async () => {
      const config = (await (await app.request('/.well-known/openid-configuration')).json()) as Record<
        string,
        unknown
      >;
      expect(config).toMatchObject({
        issuer: 'http://auth.test',
        token_endpoint: 'http://auth.test/auth/token',
        revocation_endpoint: 'http://auth.test/auth/revoke',
        userinfo_endpoint: 'http://auth.test/userinfo',
        grant_types_supported: ['password', 'refresh_token'],
      });
      expect(config).not.toHaveProperty('id_token_signing_alg_values_supported');
      expect(config.response_types_supported).toEqual([]);
    });
  });
});
