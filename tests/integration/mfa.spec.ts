import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { decodeJwt } from 'jose';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  PASSWORD,
  expectProblem,
  form,
  logIn,
  register,
  registerAndLogIn,
  type Tokens,
} from '../support/api.js';
import { allEvents } from '../support/events.js';
import { STORES, startTestApp, type StoreKind, type TestApp } from '../support/test-app.js';
import { TestAuthenticator } from '../support/totp.js';

// Each case is a dozen requests; on FerretDB (every query but an _id lookup is a scan), on a
// shared machine, that has taken up to 45 s.
vi.setConfig({ testTimeout: 120_000 });

const ADMIN_EMAIL = 'root@example.com';
const ADMIN_PASSWORD = 'the admin passphrase';
/** Above the 5 wrong codes that kill one mfa_token, so that rule is seen on its own. */
const ENV = { ADMIN_EMAIL, ADMIN_PASSWORD, LOCKOUT_THRESHOLD: '7', ACCOUNT_LOCKOUT_THRESHOLD: '100' };

interface Enrolled {
  readonly id: string;
  readonly email: string;
  readonly tokens: Tokens;
  readonly auth: TestAuthenticator;
  readonly recoveryCodes: string[];
}

interface MfaRequired {
  readonly error: string;
  readonly mfa_token: string;
  readonly expires_in: number;
}

async function enroll(app: TestApp, user: { id: string; email: string; tokens: Tokens }): Promise<Enrolled> {
  const started = await app.request('/users/me/mfa/totp', {
    method: 'POST',
    token: user.tokens.access_token,
  });
  expect(started.status, await started.clone().text()).toBe(201);
  const body = (await started.json()) as { secret: string; otpauth_uri: string; qr_svg: string };
  expect(body.secret).toMatch(/^[A-Z2-7]{32}$/);
  expect(body.otpauth_uri).toMatch(/^otpauth:\/\/totp\//);
  expect(new URL(body.otpauth_uri).searchParams.get('secret')).toBe(body.secret);
  expect(body.qr_svg).toMatch(/<svg[\s\S]*<\/svg>/);
  const auth = new TestAuthenticator(body.secret);
  const wrong = await app.request('/users/me/mfa/totp/confirm', {
    method: 'POST',
    token: user.tokens.access_token,
    json: { code: auth.wrong() },
  });
  expect((await expectProblem(wrong, 400)).error).toBe('invalid_code');
  const confirmed = await app.request('/users/me/mfa/totp/confirm', {
    method: 'POST',
    token: user.tokens.access_token,
    json: { code: auth.next() },
  });
  expect(confirmed.status, await confirmed.clone().text()).toBe(200);
  const { recovery_codes } = (await confirmed.json()) as { recovery_codes: string[] };
  expect(recovery_codes).toHaveLength(10);
  expect(new Set(recovery_codes).size).toBe(10);
  return { ...user, auth, recoveryCodes: recovery_codes };
}

async function passwordStep(
  app: TestApp,
  email: string,
  headers: Record<string, string> = {},
): Promise<string> {
  const response = await app.request('/auth/login', {
    method: 'POST',
    json: { email, password: PASSWORD },
    headers,
  });
  const problem = (await expectProblem(response, 403)) as unknown as MfaRequired;
  expect(problem.error).toBe('mfa_required');
  expect(problem.expires_in).toBe(300);
  expect(problem).not.toHaveProperty('access_token');
  return problem.mfa_token;
}

const secondStep = (app: TestApp, body: Record<string, string>, headers: Record<string, string> = {}) =>
  app.request('/auth/login/mfa', { method: 'POST', json: body, headers });

describe.each(STORES)('issue 12: TOTP second factor (%s)', (store: StoreKind) => {
  let app: TestApp;
  let admin: Tokens;
  beforeAll(async () => {
    app = await startTestApp(store, { env: ENV });
    admin = await logIn(app, ADMIN_EMAIL, ADMIN_PASSWORD);
  });
  afterAll(async () => {
    await app.dispose();
  });

  it('enrolls and confirms: mfa_enabled, events with only ciphertext, no secret in any view', async () => {
    const user = await enroll(app, await registerAndLogIn(app));
    const me = await app.request('/users/me', { token: user.tokens.access_token });
    expect(((await me.json()) as { mfa_enabled: boolean }).mfa_enabled).toBe(true);
    const again = await app.request('/users/me/mfa/totp', {
      method: 'POST',
      token: user.tokens.access_token,
    });
    await expectProblem(again, 409);

    const events = (await allEvents(app)).filter((e) => e.streamId === `user-${user.id}`);
    const started = events.find((e) => e.type === 'MfaEnrollmentStarted');
    expect(String(started?.data.sealedSecret)).toMatch(/^v1\./);
    expect(JSON.stringify(events)).not.toContain(user.auth.secret);
    expect(events.map((e) => e.type)).toContain('MfaEnabled');

    const view = await app.request(`/admin/users/${user.id}/events`, { token: admin.access_token });
    const text = await view.text();
    expect(view.status, text).toBe(200);
    expect(text).toContain('MfaEnabled');
    for (const hidden of ['sealedSecret', 'recoveryCodeDigests', user.auth.secret])
      expect(text).not.toContain(hidden);
    const listed = await app.request(`/admin/users/${user.id}`, { token: admin.access_token });
    expect(((await listed.json()) as { mfa_enabled: boolean }).mfa_enabled).toBe(true);
  });

  it('a correct password asks for the code and issues nothing; the code gives pwd+otp tokens that keep amr on refresh', async () => {
    const user = await enroll(app, await registerAndLogIn(app));
    const sessionsBefore = (await allEvents(app)).filter(
      (e) => e.type === 'LoggedIn' && e.data.userId === user.id,
    );
    const mfaToken = await passwordStep(app, user.email);
    // The form login too, and no session was opened by either.
    const formLogin = await app.request('/auth/login', form({ username: user.email, password: PASSWORD }));
    expect(((await expectProblem(formLogin, 403)) as unknown as MfaRequired).error).toBe('mfa_required');
    const events = await allEvents(app);
    expect(events.filter((e) => e.type === 'LoggedIn' && e.data.userId === user.id)).toHaveLength(
      sessionsBefore.length,
    );
    expect(events.filter((e) => e.type === 'MfaChallengeIssued' && e.data.userId === user.id)).toHaveLength(
      2,
    );
    // The mfa_token is no access token.
    const asBearer = await app.request('/users/me', { token: mfaToken });
    await expectProblem(asBearer, 401);

    const before = Math.floor(Date.now() / 1000);
    const done = await secondStep(app, { mfa_token: mfaToken, code: user.auth.next() });
    expect(done.status, await done.clone().text()).toBe(200);
    const tokens = (await done.json()) as Tokens;
    const claims = decodeJwt(tokens.access_token);
    expect(claims.amr).toEqual(['pwd', 'otp']);
    expect(claims.auth_time).toBeGreaterThanOrEqual(before);
    const refreshed = await app.request('/auth/refresh', {
      method: 'POST',
      json: { refresh_token: tokens.refresh_token },
    });
    expect(refreshed.status).toBe(200);
    expect(decodeJwt(((await refreshed.json()) as Tokens).access_token).amr).toEqual(['pwd', 'otp']);
    const passed = (await allEvents(app)).filter(
      (e) => e.type === 'MfaChallengePassed' && e.data.userId === user.id,
    );
    expect(passed.map((e) => e.data.factor)).toEqual(['totp']);
    // The attempt trail names the factor of the success.
    const history = await app.request('/users/me/login-history', { token: tokens.access_token });
    const { items } = (await history.json()) as {
      items: { outcome: string; second_factor: string | null }[];
    };
    expect(items.filter((i) => i.outcome === 'success').map((i) => i.second_factor)).toContain('totp');
    // A used mfa_token is spent: even a valid recovery code gets nothing on it.
    const reuse = await secondStep(app, { mfa_token: mfaToken, recovery_code: user.recoveryCodes[0] ?? '' });
    await expectProblem(reuse, 401);
  });

  it('a replayed code is refused, on a new mfa_token too, and audited', async () => {
    const user = await enroll(app, await registerAndLogIn(app));
    const first = await secondStep(app, {
      mfa_token: await passwordStep(app, user.email),
      code: user.auth.next(),
    });
    expect(first.status).toBe(200);
    const replay = await secondStep(app, {
      mfa_token: await passwordStep(app, user.email),
      code: user.auth.again(),
    });
    await expectProblem(replay, 401);
    const failed = (await allEvents(app)).filter(
      (e) => e.type === 'MfaChallengeFailed' && e.data.userId === user.id,
    );
    expect(failed.map((e) => e.data.reason)).toEqual(['code_already_used']);
  });

  it('a recovery code works once', async () => {
    const user = await enroll(app, await registerAndLogIn(app));
    const [code = ''] = user.recoveryCodes;
    const ok = await secondStep(app, {
      mfa_token: await passwordStep(app, user.email),
      recovery_code: code.toLowerCase(),
    });
    expect(ok.status, await ok.clone().text()).toBe(200);
    expect(decodeJwt(((await ok.json()) as Tokens).access_token).amr).toEqual(['pwd', 'otp']);
    const again = await secondStep(app, {
      mfa_token: await passwordStep(app, user.email),
      recovery_code: code,
    });
    await expectProblem(again, 401);
    const events = (await allEvents(app)).filter((e) => e.streamId === `user-${user.id}`);
    const used = events.filter((e) => e.type === 'RecoveryCodeUsed');
    expect(used).toHaveLength(1);
    expect(used[0]?.data.remaining).toBe(9);
  });

  it('5 wrong codes kill the mfa_token; wrong codes count toward the lockout like wrong passwords', async () => {
    const user = await enroll(app, await registerAndLogIn(app));
    const mfaToken = await passwordStep(app, user.email);
    for (let i = 0; i < 5; i++) {
      const wrong = await secondStep(app, { mfa_token: mfaToken, code: user.auth.wrong() });
      await expectProblem(wrong, 401);
    }
    const dead = await secondStep(app, { mfa_token: mfaToken, code: user.auth.next() });
    await expectProblem(dead, 401);
    // LOCKOUT_THRESHOLD=7: two more wrong codes on a new challenge lock the account for this address.
    const next = await passwordStep(app, user.email);
    await expectProblem(await secondStep(app, { mfa_token: next, code: user.auth.wrong() }), 401);
    await expectProblem(await secondStep(app, { mfa_token: next, code: user.auth.wrong() }), 429);
    const locked = await app.request('/auth/login', {
      method: 'POST',
      json: { email: user.email, password: PASSWORD },
    });
    await expectProblem(locked, 429);
    const events = await allEvents(app);
    const failures = events.filter(
      (e) => e.type === 'LoginFailed' && e.data.userId === user.id && e.data.factor === 'totp',
    );
    expect(failures).toHaveLength(7);
    const trail = await app.request(`/admin/login-attempts?user_id=${user.id}&outcome=invalid_credentials`, {
      token: admin.access_token,
    });
    const { items } = (await trail.json()) as { items: { second_factor: string | null }[] };
    expect(items.map((i) => i.second_factor)).toEqual(Array<string>(7).fill('totp'));
    expect(events.some((e) => e.type === 'AccountLocked' && e.data.userId === user.id)).toBe(true);
  });

  it('two parallel second steps with one code: exactly one 200', async () => {
    const user = await enroll(app, await registerAndLogIn(app));
    const code = user.auth.next();
    const tokens = [await passwordStep(app, user.email), await passwordStep(app, user.email)];
    const answers = await Promise.all(tokens.map((t) => secondStep(app, { mfa_token: t, code })));
    expect(answers.map((r) => r.status).sort()).toEqual([200, 401]);
  });

  it('an administrator resets MFA, recorded with the admin as actor', async () => {
    const user = await enroll(app, await registerAndLogIn(app));
    const nobody = await app.request(`/admin/users/${user.id}/mfa`, {
      method: 'DELETE',
      token: user.tokens.access_token,
    });
    await expectProblem(nobody, 403);
    const reset = await app.request(`/admin/users/${user.id}/mfa`, {
      method: 'DELETE',
      token: admin.access_token,
    });
    expect(reset.status).toBe(204);
    const adminId = decodeJwt(admin.access_token).sub;
    const disabled = (await allEvents(app)).filter(
      (e) => e.type === 'MfaDisabled' && e.data.userId === user.id,
    );
    expect(disabled.map((e) => e.data)).toEqual([{ userId: user.id, actorId: adminId, by: 'admin' }]);
    const plain = await logIn(app, user.email);
    expect(decodeJwt(plain.access_token).amr).toEqual(['pwd']);
    const unknown = await app.request('/admin/users/7d3e1e7a-0000-4000-8000-000000000000/mfa', {
      method: 'DELETE',
      token: admin.access_token,
    });
    await expectProblem(unknown, 404);
  });

  it('/auth/token answers the OAuth-shaped mfa_required', async () => {
    const user = await enroll(app, await registerAndLogIn(app));
    const response = await app.request(
      '/auth/token',
      form({ grant_type: 'password', username: user.email, password: PASSWORD }),
    );
    expect(response.status).toBe(403);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.headers.get('www-authenticate')).toBeNull();
    const body = (await response.json()) as MfaRequired & { error_description: string };
    expect(body.error).toBe('mfa_required');
    expect(body.expires_in).toBe(300);
    expect(typeof body.error_description).toBe('string');
    const done = await secondStep(app, { mfa_token: body.mfa_token, code: user.auth.next() });
    expect(done.status).toBe(200);
  });

  it('the raw store never holds a TOTP secret in plain text', async () => {
    const user = await enroll(app, await registerAndLogIn(app));
    await secondStep(app, { mfa_token: await passwordStep(app, user.email), code: user.auth.next() });
    await allEvents(app);
    if (store === 'embedded') {
      const dir = app.storage.dataDir ?? '';
      for (const file of ['events.sqlite', 'events.sqlite-wal']) {
        const bytes = await readFile(path.join(dir, file)).catch(() => Buffer.alloc(0));
        if (file === 'events.sqlite') expect(bytes.length).toBeGreaterThan(0);
        expect(bytes.includes(Buffer.from(user.auth.secret)), file).toBe(false);
      }
    } else {
      const client = new MongoClient(app.storage.mongoUri ?? '');
      try {
        await client.connect();
        const db = client.db();
        let seen = '';
        for (const { name } of await db.listCollections().toArray()) {
          seen += JSON.stringify(await db.collection(name).find({}).toArray());
        }
        expect(seen).toContain(user.id);
        expect(seen).toContain('MfaEnrollmentStarted');
        expect(seen).not.toContain(user.auth.secret);
      } finally {
        await client.close();
      }
    }
  });
});

describe('issue 12: disabling needs a code and recent authentication; MFA_REQUIRED_FOR_ADMINS', () => {
  let app: TestApp;
  /** The same store, with a 1 s REAUTH_WINDOW and administration only for second-factor sessions. */
  let strict: TestApp;
  beforeAll(async () => {
    app = await startTestApp('embedded', { env: ENV });
    strict = await startTestApp('embedded', {
      shareWith: app,
      env: { ...ENV, REAUTH_WINDOW: '1s', MFA_REQUIRED_FOR_ADMINS: 'true' },
    });
  });
  afterAll(async () => {
    await strict.dispose();
    await app.dispose();
  });

  it('DELETE /users/me/mfa/totp: 403 without recent auth, 400 with a wrong code, 204 with a right one', async () => {
    const user = await enroll(app, await registerAndLogIn(app));
    const stale = await secondStep(strict, {
      mfa_token: await passwordStep(strict, user.email),
      code: user.auth.next(),
    });
    const staleTokens = (await stale.json()) as Tokens;
    await new Promise((resolve) => setTimeout(resolve, 2100));
    const tooLate = await strict.request('/users/me/mfa/totp', {
      method: 'DELETE',
      token: staleTokens.access_token,
      json: { recovery_code: user.recoveryCodes[0] ?? '' },
    });
    expect((await expectProblem(tooLate, 403)).error).toBe('reauthentication_required');
    const startLate = await strict.request('/users/me/mfa/totp', {
      method: 'POST',
      token: staleTokens.access_token,
    });
    expect((await expectProblem(startLate, 403)).error).toBe('reauthentication_required');

    const fresh = await secondStep(app, {
      mfa_token: await passwordStep(app, user.email),
      recovery_code: user.recoveryCodes[1] ?? '',
    });
    const { access_token } = (await fresh.json()) as Tokens;
    const noCode = await app.request('/users/me/mfa/totp', {
      method: 'DELETE',
      token: access_token,
      json: {},
    });
    await expectProblem(noCode, 422);
    const wrong = await app.request('/users/me/mfa/totp', {
      method: 'DELETE',
      token: access_token,
      json: { code: user.auth.wrong() },
    });
    expect((await expectProblem(wrong, 400)).error).toBe('invalid_code');
    const off = await app.request('/users/me/mfa/totp', {
      method: 'DELETE',
      token: access_token,
      json: { recovery_code: user.recoveryCodes[2] ?? '' },
    });
    expect(off.status, await off.clone().text()).toBe(204);
    const disabled = (await allEvents(app)).filter(
      (e) => e.type === 'MfaDisabled' && e.data.userId === user.id,
    );
    expect(disabled.map((e) => e.data)).toEqual([{ userId: user.id, actorId: user.id, by: 'user' }]);
    expect(decodeJwt((await logIn(app, user.email)).access_token).amr).toEqual(['pwd']);
  });

  it('MFA_REQUIRED_FOR_ADMINS=true: admin routes refuse tokens without otp in amr', async () => {
    const adminTokens = await logIn(app, ADMIN_EMAIL, ADMIN_PASSWORD);
    const adminId = decodeJwt(adminTokens.access_token).sub ?? '';
    const refused = await strict.request('/admin/users', { token: adminTokens.access_token });
    expect((await expectProblem(refused, 403)).error).toBe('mfa_required');
    // The lenient instance still serves it: the policy is the instance's configuration.
    expect((await app.request('/admin/users', { token: adminTokens.access_token })).status).toBe(200);
    const enrolled = await enroll(app, { id: adminId, email: ADMIN_EMAIL, tokens: adminTokens });
    const login = await strict.request('/auth/login', {
      method: 'POST',
      json: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD },
    });
    const { mfa_token } = (await login.json()) as MfaRequired;
    const done = await secondStep(strict, { mfa_token, code: enrolled.auth.next() });
    expect(done.status).toBe(200);
    const allowed = await strict.request('/admin/users', {
      token: ((await done.json()) as Tokens).access_token,
    });
    expect(allowed.status).toBe(200);
  });

  it('a challenge issued to a trusted device answers only from it', async () => {
    const registered = await register(app);
    const first = await app.request('/auth/login', {
      method: 'POST',
      json: { email: registered.email, password: PASSWORD },
    });
    const { device_token, ...tokens } = (await first.json()) as Tokens & { device_token: string };
    const user = await enroll(app, { ...registered, tokens: tokens });
    const mfaToken = await passwordStep(app, user.email, { 'X-Device-Token': device_token });
    // Refused before the code is judged, so the same code still works from the device.
    const code = user.auth.next();
    await expectProblem(await secondStep(app, { mfa_token: mfaToken, code }), 401);
    const done = await secondStep(app, { mfa_token: mfaToken, code }, { 'X-Device-Token': device_token });
    expect(done.status, await done.clone().text()).toBe(200);
    expect(((await done.json()) as { device_token: string }).device_token).toBe(device_token);
  });
});

describe('issue 12: two instances on one MongoDB cannot both accept one code', () => {
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    a = await startTestApp('mongodb', { env: ENV });
    b = await startTestApp('mongodb', { shareWith: a, env: ENV });
  });
  afterAll(async () => {
    await b.dispose();
    await a.dispose();
  });

  it('one code, two mfa_tokens, two instances in parallel: exactly one 200', async () => {
    const user = await enroll(a, await registerAndLogIn(a));
    const code = user.auth.next();
    const tokens = [await passwordStep(a, user.email), await passwordStep(b, user.email)];
    const answers = await Promise.all([
      secondStep(a, { mfa_token: tokens[0] ?? '', code }),
      secondStep(b, { mfa_token: tokens[1] ?? '', code }),
    ]);
    expect(answers.map((r) => r.status).sort()).toEqual([200, 401]);
    const passed = (await allEvents(a)).filter(
      (e) => e.type === 'MfaChallengePassed' && e.data.userId === user.id,
    );
    expect(passed).toHaveLength(1);
  });
});
