import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, PASSWORD, register } from '../../support/api.js';
import { allEvents, mailSettled } from '../../support/events.js';
import { startTestApp, type TestApp } from '../../support/test-app.js';

const ALLOWED = 'https://app.example.com';

/** bcrypt verifications so far, from the instrumented hasher of this runtime. */
async function verifications(app: TestApp): Promise<number> {
  const text = await app.runtime.metrics.registry.metrics();
  const match = /auth_password_hashing_duration_seconds_count\{operation="verify"\} (\d+)/.exec(text);
  return Number(match?.[1] ?? 0);
}

const formPost = (fields: Record<string, string>, headers: Record<string, string>): RequestInit => ({
  method: 'POST',
  headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
  body: new URLSearchParams(fields).toString(),
});

describe('cross-site form posts to the password endpoints (issue 9, finding 6)', () => {
  let app: TestApp;
  let email: string;
  beforeAll(async () => {
    app = await startTestApp('embedded', { env: { CORS_ORIGINS: `${ALLOWED}, https://admin.example.com` } });
    email = (await register(app)).email;
  });
  afterAll(async () => {
    await app.dispose();
  });

  const attacks: [string, Record<string, string>][] = [
    ['Sec-Fetch-Site: cross-site', { 'Sec-Fetch-Site': 'cross-site' }],
    ['Sec-Fetch-Site: Cross-Site (case variant)', { 'Sec-Fetch-Site': 'Cross-Site' }],
    ['an Origin not in CORS_ORIGINS', { Origin: 'https://evil.example' }],
    ['a look-alike of an allowed origin', { Origin: 'https://app.example.com.evil.example' }],
    ['an allowed origin with another scheme', { Origin: 'http://app.example.com' }],
    ['an allowed origin in upper case', { Origin: 'https://APP.example.com' }],
    ['Origin: null (sandboxed frame)', { Origin: 'null' }],
    ['same-site but not a listed origin', { 'Sec-Fetch-Site': 'same-site', Origin: 'https://x.example.com' }],
    [
      'cross-site with a spoofed same-origin Origin',
      { 'Sec-Fetch-Site': 'cross-site', Origin: 'http://auth.test' },
    ],
  ];

  for (const path of ['/auth/login', '/auth/token']) {
    it.each(attacks)(`${path}: %s is 403 before any guess is counted or checked`, async (_label, headers) => {
      // The registration's verification mail is recorded by the sender, not by these requests.
      await mailSettled(app);
      const eventsBefore = (await allEvents(app)).length;
      const verifiedBefore = await verifications(app);
      // Wrong passwords: were they checked, LoginFailed events would appear and the lock would near.
      for (let i = 0; i < 3; i++) {
        const response = await app.request(
          path,
          formPost({ grant_type: 'password', username: email, password: `wrong guess ${i}` }, headers),
        );
        const problem = await expectProblem(response, 403);
        expect(problem.error).toBe('cross_site_request');
      }
      expect((await allEvents(app)).length).toBe(eventsBefore);
      expect(await verifications(app)).toBe(verifiedBefore);
    });
  }

  it.each([
    ['no browser headers (curl, SDKs)', {}],
    ['Sec-Fetch-Site: same-origin (the /docs page)', { 'Sec-Fetch-Site': 'same-origin' }],
    ['Sec-Fetch-Site: none (typed by the user)', { 'Sec-Fetch-Site': 'none' }],
    ['an Origin in CORS_ORIGINS, cross-site', { 'Sec-Fetch-Site': 'cross-site', Origin: ALLOWED }],
    ['the second origin of CORS_ORIGINS', { Origin: 'https://admin.example.com' }],
  ])('logs in with %s', async (_label, headers) => {
    for (const path of ['/auth/login', '/auth/token']) {
      const response = await app.request(
        path,
        formPost({ grant_type: 'password', username: email, password: PASSWORD }, headers),
      );
      expect(response.status, await response.clone().text()).toBe(200);
      expect(((await response.json()) as { access_token: string }).access_token).toBeTruthy();
    }
  });

  it('the same-origin Origin of the server itself is accepted (Swagger UI on /docs)', async () => {
    const origin = new URL(app.baseUrl).origin;
    const response = await app.request(
      '/auth/token',
      formPost({ grant_type: 'password', username: email, password: PASSWORD }, { Origin: origin }),
    );
    expect(response.status).toBe(200);
  });
});

describe('CORS for CORS_ORIGINS (issue 9, finding 6)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp('embedded', { env: { CORS_ORIGINS: ALLOWED } });
  });
  afterAll(async () => {
    await app.dispose();
  });

  const preflight = (origin: string): Promise<Response> =>
    app.request('/users/me', {
      method: 'OPTIONS',
      headers: {
        Origin: origin,
        'Access-Control-Request-Method': 'GET',
        'Access-Control-Request-Headers': 'authorization',
      },
    });

  it('answers the preflight of an allowed origin with exactly that origin, no credentials', async () => {
    const response = await preflight(ALLOWED);
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(response.headers.get('access-control-allow-methods')).toContain('GET');
    expect(response.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
    expect(response.headers.get('vary')).toContain('Origin');
  });

  it.each(['https://evil.example', 'https://app.example.com.evil.example', 'null', 'http://app.example.com'])(
    'gives %s no CORS headers, on the preflight or the request',
    async (origin) => {
      const response = await preflight(origin);
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
      const simple = await app.request('/health/live', { headers: { Origin: origin } });
      expect(simple.status).toBe(200);
      expect(simple.headers.get('access-control-allow-origin')).toBeNull();
    },
  );

  it('a simple request from the allowed origin gets the origin echoed, never *', async () => {
    const response = await app.request('/health/live', { headers: { Origin: ALLOWED } });
    expect(response.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(response.headers.get('access-control-expose-headers')).toContain('X-Request-Id');
  });
});
