import { exportJWK, exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, registerAndLogIn, type Tokens } from '../support/api.js';
import { STORES, startTestApp, type TestApp } from '../support/test-app.js';

const b64 = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
const partsOf = (jwt: string): [Record<string, unknown>, Record<string, unknown>, string] => {
  const [h = '', p = '', s = ''] = jwt.split('.');
  const decode = (part: string): Record<string, unknown> =>
    JSON.parse(Buffer.from(part, 'base64url').toString()) as Record<string, unknown>;
  return [decode(h), decode(p), s];
};

describe('forged and misused tokens are all 401', () => {
  let app: TestApp;
  let tokens: Tokens;
  let claims: Record<string, unknown>;
  let header: Record<string, unknown>;
  beforeAll(async () => {
    app = await startTestApp('embedded');
    tokens = (await registerAndLogIn(app)).tokens;
    [header, claims] = partsOf(tokens.access_token);
  });
  afterAll(async () => {
    await app.dispose();
  });

  const rejected = async (token: string): Promise<void> => {
    const response = await app.request('/users/me', { token });
    await expectProblem(response, 401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
  };
  /** Signs with the service's own current key: only the claims are wrong. */
  const signedByUs = async (payload: Record<string, unknown>, typ = 'at+jwt'): Promise<string> => {
    const key = app.runtime.wiring.keyRing.current();
    return new SignJWT(payload).setProtectedHeader({ alg: key.alg, kid: key.kid, typ }).sign(key.signingKey);
  };

  it('accepts the genuine token (control)', async () => {
    expect((await app.request('/users/me', { token: tokens.access_token })).status).toBe(200);
  });

  it('alg "none"', async () => {
    await rejected(`${b64({ ...header, alg: 'none' })}.${b64(claims)}.`);
  });

  it('HS256 signed with the public key as the secret', async () => {
    const jwks = (await (await app.request('/.well-known/jwks.json')).json()) as { keys: object[] };
    const publicJwk = JSON.stringify(jwks.keys[0]);
    const forged = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', kid: header.kid as string, typ: 'at+jwt' })
      .sign(new TextEncoder().encode(publicJwk));
    await rejected(forged);
  });

  it('a tampered payload (role escalated)', async () => {
    const [h, , s] = tokens.access_token.split('.');
    await rejected(`${h ?? ''}.${b64({ ...claims, role: 'admin' })}.${s ?? ''}`);
  });

  it('a key carried in the header (jwk, jku) is never trusted', async () => {
    const attacker = await generateKeyPair('ES256', { extractable: true });
    const jwk = await exportJWK(attacker.publicKey);
    const withJwk = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', jwk })
      .sign(attacker.privateKey);
    await rejected(withJwk);
    const withKid = await new SignJWT(claims)
      .setProtectedHeader({
        alg: 'ES256',
        typ: 'at+jwt',
        kid: header.kid as string,
        jku: 'http://127.0.0.1:1/jwks',
        x5u: 'http://127.0.0.1:1/x5u',
      })
      .sign(attacker.privateKey);
    await rejected(withKid);
    expect(await exportSPKI(attacker.publicKey)).toContain('PUBLIC KEY');
  });

  it('expired, wrong audience, wrong issuer, wrong typ', async () => {
    const now = Math.floor(Date.now() / 1000);
    await rejected(await signedByUs({ ...claims, iat: now - 3600, exp: now - 600 }));
    await rejected(await signedByUs({ ...claims, aud: 'someone-else' }));
    await rejected(await signedByUs({ ...claims, iss: 'http://evil.test' }));
    await rejected(await signedByUs(claims, 'JWT'));
    expect((await app.request('/users/me', { token: await signedByUs(claims) })).status).toBe(200);
  });

  it('a refresh token used as an access token, and an access token used as a refresh token', async () => {
    await rejected(tokens.refresh_token);
    await expectProblem(
      await app.request('/auth/refresh', { method: 'POST', json: { refresh_token: tokens.access_token } }),
      401,
    );
  });
});

describe.each(STORES)('signing keys on the %s store', (store) => {
  it('rotate without logging anyone out, and survive a restart', async () => {
    const app = await startTestApp(store);
    try {
      const { tokens } = await registerAndLogIn(app);
      const before = (await (await app.request('/.well-known/jwks.json')).json()) as {
        keys: { kid: string; kty: string; d?: string }[];
      };
      expect(before.keys).toHaveLength(1);
      expect(before.keys[0]?.d).toBeUndefined();
      const kid = await app.runtime.wiring.keyRing.rotate();
      const after = (await (await app.request('/.well-known/jwks.json')).json()) as {
        keys: { kid: string }[];
      };
      expect(after.keys.map((k) => k.kid)).toEqual([before.keys[0]?.kid, kid]);
      expect((await app.request('/users/me', { token: tokens.access_token })).status).toBe(200);
      const refreshed = (await (
        await app.request('/auth/refresh', { method: 'POST', json: { refresh_token: tokens.refresh_token } })
      ).json()) as Tokens;
      expect(partsOf(refreshed.access_token)[0].kid).toBe(kid);
      await app.stop();
      const restarted = await startTestApp(store, { shareWith: app });
      try {
        expect((await restarted.request('/users/me', { token: tokens.access_token })).status).toBe(200);
        expect((await restarted.request('/users/me', { token: refreshed.access_token })).status).toBe(200);
        const config = (await (
          await restarted.request('/.well-known/openid-configuration')
        ).json()) as Record<string, unknown>;
        expect(config).toMatchObject({
          issuer: 'http://auth.test',
          jwks_uri: 'http://auth.test/.well-known/jwks.json',
          token_endpoint: 'http://auth.test/auth/token',
        });
      } finally {
        await restarted.stop();
      }
    } finally {
      await app.dispose();
    }
  });
});

describe('HMAC mode', () => {
  it('signs HS256 with a configured secret of at least 32 bytes and publishes no keys', async () => {
    const app = await startTestApp('embedded', {
      env: { JWT_HMAC_SECRET: 'a-shared-secret-of-at-least-32-bytes!!' },
    });
    try {
      const { tokens } = await registerAndLogIn(app);
      expect(partsOf(tokens.access_token)[0]).toMatchObject({ alg: 'HS256', typ: 'at+jwt' });
      expect((await app.request('/users/me', { token: tokens.access_token })).status).toBe(200);
      expect(await (await app.request('/.well-known/jwks.json')).json()).toEqual({ keys: [] });
    } finally {
      await app.dispose();
    }
  });
});
