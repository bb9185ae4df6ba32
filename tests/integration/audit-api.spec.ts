/**
 * Issue 13 over HTTP: hashes in the admin event view and GET /admin/audit/checkpoints, whose JWS
 * verifies against the published JWKS. Fails on the code before the chain (no hash, no route).
 */
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, logIn, PASSWORD, registerAndLogIn, type Tokens } from '../support/api.js';
import { STORES, startTestApp, type TestApp } from '../support/test-app.js';

const ADMIN_EMAIL = 'root@example.com';
const ADMIN_PASSWORD = 'the admin passphrase';

interface CheckpointPage {
  items: { position: number; hash: string; created_at: string; jws: string }[];
  next_cursor: string | null;
}

describe.each(STORES)('the audit trail over HTTP on the %s store (issue 13)', (store) => {
  let app: TestApp;
  let admin: Tokens;
  beforeAll(async () => {
    app = await startTestApp(store, {
      env: { ADMIN_EMAIL, ADMIN_PASSWORD, AUDIT_CHECKPOINT_INTERVAL: '1s' },
    });
    admin = await logIn(app, ADMIN_EMAIL, ADMIN_PASSWORD);
  });
  afterAll(async () => {
    await app.dispose();
  });

  const checkpoints = async (query = ''): Promise<CheckpointPage> => {
    const response = await app.request(`/admin/audit/checkpoints${query}`, { token: admin.access_token });
    expect(response.status).toBe(200);
    return (await response.json()) as CheckpointPage;
  };

  it("shows hash and prev_hash in a user's events, each linking to the position before", async () => {
    const user = await registerAndLogIn(app);
    await app.request('/users/me/password', {
      method: 'POST',
      token: user.tokens.access_token,
      json: { current_password: PASSWORD, new_password: 'another long secret' },
    });
    const response = await app.request(`/admin/users/${user.id}/events`, { token: admin.access_token });
    const page = (await response.json()) as {
      items: { position: number; hash: string; prev_hash: string }[];
    };
    // UserRegistered, EmailVerificationRequested (same append), PasswordChanged, AllSessionsEnded.
    expect(page.items).toHaveLength(4);
    for (const item of page.items) {
      expect(item.hash).toMatch(/^[0-9a-f]{64}$/);
      expect(item.prev_hash).toMatch(/^[0-9a-f]{64}$/);
      const [before] = await app.runtime.storage.eventStore.readAll(item.position - 2, 1);
      expect(item.prev_hash).toBe(before?.hash);
    }
  });

  it('lists signed checkpoints newest first; each JWS verifies against the JWKS and names a real hash', async () => {
    await registerAndLogIn(app);
    let page: CheckpointPage = { items: [], next_cursor: null };
    for (let i = 0; i < 50 && page.items.length < 2; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      page = await checkpoints();
      if (page.items.length === 1) await registerAndLogIn(app); // new events, so a second one is due
    }
    expect(page.items.length).toBeGreaterThanOrEqual(2);
    const [newest, older] = page.items;
    expect(newest!.position).toBeGreaterThan(older!.position);

    const jwks = (await (await app.request('/.well-known/jwks.json')).json()) as JSONWebKeySet;
    const { payload } = await jwtVerify(newest!.jws, createLocalJWKSet(jwks), {
      typ: 'audit-checkpoint+jwt',
    });
    expect(decodeProtectedHeader(newest!.jws).typ).toBe('audit-checkpoint+jwt');
    expect(payload).toMatchObject({
      iss: 'http://auth.test',
      position: newest!.position,
      hash: newest!.hash,
    });
    const [signed] = await app.runtime.storage.eventStore.readAll(newest!.position - 1, 1);
    expect(signed?.hash).toBe(newest!.hash);

    const first = await checkpoints('?limit=1');
    expect(first.items).toEqual([newest]);
    expect(first.next_cursor).not.toBeNull();
    const second = await checkpoints(`?limit=1&cursor=${first.next_cursor}`);
    expect(second.items).toEqual([older]);
  });

  it('answers 401 without a token and 403 to a non-admin', async () => {
    await expectProblem(await app.request('/admin/audit/checkpoints'), 401);
    const user = await registerAndLogIn(app);
    await expectProblem(
      await app.request('/admin/audit/checkpoints', { token: user.tokens.access_token }),
      403,
    );
  });
});
