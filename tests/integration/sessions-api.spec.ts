import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectProblem,
  logIn,
  PASSWORD,
  register,
  registerAndLogIn,
  uniqueEmail,
  type Tokens,
} from '../support/api.js';
import { STORES, startTestApp, type TestApp } from '../support/test-app.js';

describe.each(STORES)('sessions and tokens on the %s store', (store) => {
  let app: TestApp;
  beforeAll(async () => {
    // No reuse grace: these tests reuse a token right after its rotation (refresh-grace.spec.ts has the grace).
    app = await startTestApp(store, { env: { REFRESH_REUSE_GRACE: '0' } });
  });
  afterAll(async () => {
    await app.dispose();
  });

  const refresh = (refresh_token: string) =>
    app.request('/auth/refresh', { method: 'POST', json: { refresh_token } });
  const me = (token: string) => app.request('/users/me', { token });

  describe('POST /auth/refresh', () => {
    it('rotates: a new refresh token each time, and the new access token works', async () => {
      const { tokens } = await registerAndLogIn(app);
      const response = await refresh(tokens.refresh_token);
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('no-store');
      const next = (await response.json()) as Tokens;
      expect(next.refresh_token).not.toBe(tokens.refresh_token);
      expect(next.refresh_token.split('.')[0]).toBe(tokens.refresh_token.split('.')[0]);
      expect((await me(next.access_token)).status).toBe(200);
    });

    it('treats a used refresh token as reuse: 401, and the whole session is revoked', async () => {
      const { tokens } = await registerAndLogIn(app);
      const next = (await (await refresh(tokens.refresh_token)).json()) as Tokens;
      await expectProblem(await refresh(tokens.refresh_token), 401);
      await expectProblem(await refresh(next.refresh_token), 401);
      await expectProblem(await me(next.access_token), 401);
      await expectProblem(await me(tokens.access_token), 401);
      const sessionId = tokens.refresh_token.split('.')[0] ?? '';
      const stream = await app.runtime.storage.eventStore.readStream(`session-${sessionId}`);
      expect(stream.map((e) => e.type)).toEqual([
        'LoggedIn',
        'TokenRefreshed',
        'RefreshTokenReuseDetected',
        'LoggedOut',
      ]);
      expect(stream.at(-1)?.data.reason).toBe('reuse');
    });

    it('refuses unknown, malformed and access tokens with 401', async () => {
      const { tokens } = await registerAndLogIn(app);
      for (const bad of ['nonsense', `${tokens.refresh_token.slice(0, -2)}xx`, tokens.access_token, '']) {
        await expectProblem(await refresh(bad), 401);
      }
    });
  });

  describe('logout', () => {
    it('with the refresh token revokes the session: its refresh and access tokens stop working', async () => {
      const { tokens } = await registerAndLogIn(app);
      expect(
        (await app.request('/auth/logout', { method: 'POST', json: { refresh_token: tokens.refresh_token } }))
          .status,
      ).toBe(204);
      await expectProblem(await me(tokens.access_token), 401);
      await expectProblem(await refresh(tokens.refresh_token), 401);
      expect(
        (await app.request('/auth/logout', { method: 'POST', json: { refresh_token: tokens.refresh_token } }))
          .status,
      ).toBe(204);
    });

    it('with a bearer access token and no body, and again for an already revoked session', async () => {
      const { tokens } = await registerAndLogIn(app);
      expect((await app.request('/auth/logout', { method: 'POST', token: tokens.access_token })).status).toBe(
        204,
      );
      await expectProblem(await refresh(tokens.refresh_token), 401);
      expect((await app.request('/auth/logout', { method: 'POST', token: tokens.access_token })).status).toBe(
        204,
      );
      await expectProblem(await app.request('/auth/logout', { method: 'POST' }), 401);
    });

    it('logout-all revokes every session of the user', async () => {
      const user = await register(app);
      const first = await logIn(app, user.email);
      const second = await logIn(app, user.email);
      expect(
        (await app.request('/auth/logout-all', { method: 'POST', token: first.access_token })).status,
      ).toBe(204);
      for (const t of [first, second]) {
        await expectProblem(await me(t.access_token), 401);
        await expectProblem(await refresh(t.refresh_token), 401);
      }
      await expectProblem(await app.request('/auth/logout-all', { method: 'POST' }), 401);
    });
  });

  describe('GET and DELETE /users/me/sessions', () => {
    it('lists the active sessions, marking the current one, and pages with a cursor', async () => {
      const user = await register(app);
      const sessions = [];
      for (let i = 0; i < 3; i++)
        sessions.push(await logIn(app, user.email, PASSWORD, { 'User-Agent': `agent-${i}` }));
      const current = sessions[2] as Tokens;
      const page1 = (await (
        await app.request('/users/me/sessions?limit=2', { token: current.access_token })
      ).json()) as {
        items: { id: string; current: boolean; user_agent: string; ip: string; expires_at: string }[];
        next_cursor: string | null;
      };
      expect(page1.items).toHaveLength(2);
      expect(page1.items[0]).toMatchObject({ current: true, user_agent: 'agent-2', ip: '127.0.0.1' });
      expect(page1.next_cursor).not.toBeNull();
      const page2 = (await (
        await app.request(`/users/me/sessions?limit=2&cursor=${page1.next_cursor ?? ''}`, {
          token: current.access_token,
        })
      ).json()) as { items: { user_agent: string; current: boolean }[]; next_cursor: string | null };
      expect(page2.items.map((s) => s.user_agent)).toEqual(['agent-0']);
      expect(page2.next_cursor).toBeNull();
      await expectProblem(
        await app.request('/users/me/sessions?cursor=bogus', { token: current.access_token }),
        422,
      );
    });

    it("revokes one of the own sessions, and answers 404 for someone else's", async () => {
      const alice = await registerAndLogIn(app);
      const bob = await registerAndLogIn(app);
      const aliceSession = alice.tokens.refresh_token.split('.')[0] ?? '';
      await expectProblem(
        await app.request(`/users/me/sessions/${aliceSession}`, {
          method: 'DELETE',
          token: bob.tokens.access_token,
        }),
        404,
      );
      expect((await me(alice.tokens.access_token)).status).toBe(200);
      const other = await logIn(app, alice.email);
      expect(
        (
          await app.request(`/users/me/sessions/${aliceSession}`, {
            method: 'DELETE',
            token: other.access_token,
          })
        ).status,
      ).toBe(204);
      await expectProblem(await me(alice.tokens.access_token), 401);
      expect((await me(other.access_token)).status).toBe(200);
    });
  });

  describe('profile and password', () => {
    it('updates the name, email and username with PATCH and PUT; uniqueness still holds', async () => {
      const taken = await register(app, { username: `taken${Date.now().toString(36)}` });
      const { tokens, email } = await registerAndLogIn(app);
      const newEmail = uniqueEmail('moved');
      const patched = await app.request('/users/me', {
        method: 'PATCH',
        token: tokens.access_token,
        json: { name: 'New Name', email: newEmail },
      });
      expect(patched.status).toBe(200);
      expect(await patched.json()).toMatchObject({ full_name: 'New Name', email: newEmail });
      await logIn(app, newEmail);
      expect(
        (await app.request('/auth/login', { method: 'POST', json: { email, password: PASSWORD } })).status,
      ).toBe(401);
      await register(app, { email });
      await expectProblem(
        await app.request('/users/me', {
          method: 'PUT',
          token: tokens.access_token,
          json: { email: taken.email },
        }),
        409,
      );
      const takenName = (taken as unknown as { username: string }).username;
      await expectProblem(
        await app.request('/users/me', {
          method: 'PUT',
          token: tokens.access_token,
          json: { username: takenName },
        }),
        409,
      );
      await expectProblem(
        await app.request('/users/me', {
          method: 'PATCH',
          token: tokens.access_token,
          json: { email: 'nope' },
        }),
        422,
      );
    });

    it('changes the password: wrong current is 401, weak new is 422, success revokes every other session', async () => {
      const user = await register(app);
      const keep = await logIn(app, user.email);
      const other = await logIn(app, user.email);
      const change = (current_password: string, new_password: string) =>
        app.request('/users/me/password', {
          method: 'POST',
          token: keep.access_token,
          json: { current_password, new_password },
        });
      await expectProblem(await change('wrong password', 'a brand new secret'), 401);
      const weak = await expectProblem(await change(PASSWORD, 'short'), 422);
      expect(weak.errors?.[0]?.field).toBe('new_password');
      expect((await change(PASSWORD, 'a brand new secret')).status).toBe(204);
      expect((await me(keep.access_token)).status).toBe(200);
      await expectProblem(await me(other.access_token), 401);
      await expectProblem(await refresh(other.refresh_token), 401);
      expect(
        (
          await app.request('/auth/login', {
            method: 'POST',
            json: { email: user.email, password: PASSWORD },
          })
        ).status,
      ).toBe(401);
      await logIn(app, user.email, 'a brand new secret');
    });
  });
});
