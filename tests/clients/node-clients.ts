/**
 * Issue 9: openid-client and oauth4webapi, unchanged, against the running server. Run by
 * scripts/clients.sh (Node 24 strips the types) with BASE (the issuer), EMAIL and PASSWORD of a
 * registered user. Prints one line per check and, last, `node: N passed, N failed`.
 */
import * as oauth from 'oauth4webapi';
import * as client from 'openid-client';

const env = (name: string): string => {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`${name} is not set`);
  return value;
};
const BASE = env('BASE');
const EMAIL = env('EMAIL');
const PASSWORD = env('PASSWORD');
const results = { passed: 0, failed: 0 };
const out = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

async function check(name: string, run: () => Promise<void>): Promise<void> {
  try {
    await run();
    results.passed++;
    out(`PASS node ${name}`);
  } catch (error) {
    results.failed++;
    out(`FAIL node ${name}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  }
}

function assert(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

/** The error code of an OAuth error response, as the library surfaces it. */
async function oauthErrorOf(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
  } catch (error) {
    if (error instanceof client.ResponseBodyError || error instanceof oauth.ResponseBodyError)
      return error.error;
    throw error;
  }
  throw new Error('expected an OAuth error response');
}

const insecure = { [oauth.allowInsecureRequests]: true } as const;

await check(
  'openid-client: discovery, password grant, refresh, invalid_grant, userinfo, revocation',
  async () => {
    const config = await client.discovery(new URL(BASE), 'openid-client', undefined, client.None(), {
      execute: [client.allowInsecureRequests],
    });
    const tokens = await client.genericGrantRequest(config, 'password', {
      username: EMAIL,
      password: PASSWORD,
    });
    assert(typeof tokens.refresh_token === 'string', 'no refresh token');
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token);
    assert(refreshed.refresh_token !== tokens.refresh_token, 'the refresh token did not rotate');
    const code = await oauthErrorOf(() =>
      client.genericGrantRequest(config, 'password', { username: EMAIL, password: 'not the password' }),
    );
    assert(code === 'invalid_grant', `wrong password gave ${code}`);
    const reused = await oauthErrorOf(() => client.refreshTokenGrant(config, 'not-a-refresh-token'));
    assert(reused === 'invalid_grant', `bad refresh token gave ${reused}`);
    const info = await client.fetchUserInfo(config, refreshed.access_token, client.skipSubjectCheck);
    assert(info.email === EMAIL, `userinfo email ${String(info.email)}`);
    await client.tokenRevocation(config, refreshed.refresh_token ?? '', { token_type_hint: 'refresh_token' });
    const revoked = await oauthErrorOf(() => client.refreshTokenGrant(config, refreshed.refresh_token ?? ''));
    assert(revoked === 'invalid_grant', `revoked refresh token gave ${revoked}`);
  },
);

await check(
  'oauth4webapi: password grant, refresh, validateJwtAccessToken, userinfo, revocation',
  async () => {
    const issuer = new URL(BASE);
    const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, insecure));
    const app: oauth.Client = { client_id: 'oauth4webapi' };
    const auth = oauth.None();
    const grant = await oauth.genericTokenEndpointRequest(
      as,
      app,
      auth,
      'password',
      new URLSearchParams({ username: EMAIL, password: PASSWORD }),
      insecure,
    );
    const tokens = await oauth.processGenericTokenEndpointResponse(as, app, grant);
    assert(typeof tokens.refresh_token === 'string', 'no refresh token');

    const request = new Request(`${BASE}/users/me`, {
      headers: { Authorization: `Bearer ${tokens.access_token}` },
    });
    const claims = await oauth.validateJwtAccessToken(as, request, 'auth-service', insecure);
    assert(claims.client_id === 'oauth4webapi', `client_id ${claims.client_id}`);

    const refreshed = await oauth.processRefreshTokenResponse(
      as,
      app,
      await oauth.refreshTokenGrantRequest(as, app, auth, tokens.refresh_token, insecure),
    );
    const bad = await oauthErrorOf(async () =>
      oauth.processGenericTokenEndpointResponse(
        as,
        app,
        await oauth.genericTokenEndpointRequest(
          as,
          app,
          auth,
          'password',
          new URLSearchParams({ username: EMAIL, password: 'not the password' }),
          insecure,
        ),
      ),
    );
    assert(bad === 'invalid_grant', `wrong password gave ${bad}`);

    const info = await oauth.processUserInfoResponse(
      as,
      app,
      oauth.skipSubjectCheck,
      await oauth.userInfoRequest(as, app, refreshed.access_token, insecure),
    );
    assert(info.sub === claims.sub, 'userinfo sub differs from the token');

    await oauth.processRevocationResponse(
      await oauth.revocationRequest(as, app, auth, refreshed.access_token, {
        ...insecure,
        additionalParameters: { token_type_hint: 'access_token' },
      }),
    );
    const after = await fetch(`${BASE}/userinfo`, {
      headers: { Authorization: `Bearer ${refreshed.access_token}` },
    });
    assert(after.status === 401, `userinfo after revocation answered ${after.status}`);
  },
);

out(`node: ${results.passed} passed, ${results.failed} failed`);
process.exitCode = results.failed === 0 ? 0 : 1;
