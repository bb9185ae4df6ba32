import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { logIn } from '../support/api.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Security finding 1 (the /ADMIN bypass): a guard attached by path prefix was case-sensitive while
 * the routes matched case-insensitively, so `/ADMIN/users` reached the admin handlers with no token.
 * This walks every documented operation with spellings that must never reach a handler and no token.
 */
const document = z.object({
  paths: z.record(
    z.string(),
    z.record(z.string(), z.object({ security: z.array(z.unknown()), operationId: z.string() })),
  ),
});
const METHODS = new Set(['get', 'post', 'put', 'patch', 'delete']);
const SAMPLE_ID = '00000000-0000-4000-8000-000000000000';
const ADMIN_EMAIL = 'walker@example.com';
const ADMIN_PASSWORD = 'the walking admin passphrase';
/** Public documents whose routes say how long they may be kept; every other answer is no-store. */
const CACHEABLE = new Set(['jwks', 'openIdConfiguration', 'openApiDocument', 'docsPage', 'docsAsset']);

const concrete = (template: string): string => template.replace(/\{[^}]+\}/g, SAMPLE_ID);

/** Spellings of one path that are not that path: none may be routed anywhere. */
const variantsOf = (path: string): string[] => {
  const letters = [...path].map((c, i) => ({ c, i })).filter(({ c }) => /[a-z]/.test(c));
  const firstLetter = letters[0];
  const variants = new Set<string>([
    path.toUpperCase(),
    path.replace(/\/([a-z])/g, (_, c: string) => `/${c.toUpperCase()}`),
    `${path}/`,
    `/${path}`,
    path.replace(/\//g, '//'),
    path.replace(/^(\/[^/]+)\//, '$1//'),
  ]);
  if (firstLetter !== undefined) {
    const { c, i } = firstLetter;
    const hex = c.charCodeAt(0).toString(16);
    variants.add(`${path.slice(0, i)}%${hex}${path.slice(i + 1)}`);
    variants.add(`${path.slice(0, i)}%${hex.toUpperCase()}${path.slice(i + 1)}`);
  }
  variants.delete(path);
  return [...variants];
};

describe('route walk: no spelling of a path reaches a handler it should not (finding 1)', () => {
  let app: TestApp;
  let operations: {
    method: string;
    path: string;
    operationId: string;
    secured: boolean;
    scraperOnly: boolean;
  }[] = [];

  beforeAll(async () => {
    app = await startTestApp('embedded', { env: { ADMIN_EMAIL, ADMIN_PASSWORD } });
    const doc = document.parse(await (await app.request('/openapi.json')).json());
    operations = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([method]) => METHODS.has(method))
        .map(([method, op]) => ({
          method: method.toUpperCase(),
          path: concrete(path),
          operationId: op.operationId,
          // Bearer-secured unless an empty requirement makes credentials optional (logout).
          secured:
            op.security.some((r) => typeof r === 'object' && r !== null && 'bearerAuth' in r) &&
            !op.security.some((r) => typeof r === 'object' && r !== null && Object.keys(r).length === 0),
          scraperOnly: op.security.some((r) => typeof r === 'object' && r !== null && 'metricsToken' in r),
        })),
    );
  });
  afterAll(() => app.dispose());

  it('covers every operation of /openapi.json', () => {
    expect(operations.length).toBeGreaterThanOrEqual(20);
    expect(operations.map((o) => `${o.method} ${o.path}`)).toContain(`GET /admin/users`);
  });

  it('answers 404 problem+json for case variants, trailing slashes, doubled slashes and percent-encoded letters', async () => {
    const reached: string[] = [];
    for (const { method, path } of operations) {
      for (const variant of variantsOf(path)) {
        const res = await app.request(variant, {
          method,
          ...(method === 'GET' || method === 'DELETE' ? {} : { json: { role: 'admin' } }),
        });
        await res.arrayBuffer();
        if (
          res.status !== 404 ||
          !(res.headers.get('content-type') ?? '').startsWith('application/problem+json')
        ) {
          reached.push(`${method} ${variant} -> ${res.status}`);
        }
      }
    }
    expect(reached).toEqual([]);
  });

  it('answers 401 with a Bearer challenge for every secured operation called without a token', async () => {
    const open: string[] = [];
    for (const { method, path, secured } of operations) {
      if (!secured) continue;
      const res = await app.request(path, {
        method,
        ...(method === 'GET' || method === 'DELETE' ? {} : { json: { role: 'admin' } }),
      });
      await res.arrayBuffer();
      if (res.status !== 401 || !(res.headers.get('www-authenticate') ?? '').startsWith('Bearer')) {
        open.push(`${method} ${path} -> ${res.status}`);
      }
    }
    expect(open).toEqual([]);
  });

  it('lets no cache store an answer unless its route says how: with and without an admin token, and for path variants', async () => {
    const admin = await logIn(app, ADMIN_EMAIL, ADMIN_PASSWORD);
    const storable: string[] = [];
    const check = async (label: string, operationId: string | null, res: Response): Promise<void> => {
      // The event stream never ends: its headers are what is checked.
      await res.body?.cancel();
      const cacheControl = res.headers.get('cache-control');
      // A public document may say how long it keeps; its refusals and failures may not be kept.
      const cacheable = operationId !== null && CACHEABLE.has(operationId) && res.status < 400;
      const expected = cacheable ? cacheControl !== null && cacheControl !== '' : cacheControl === 'no-store';
      if (!expected) storable.push(`${label} -> ${res.status} ${cacheControl ?? '(none)'}`);
    };
    for (const { method, path, operationId } of operations) {
      const body = method === 'GET' || method === 'DELETE' ? {} : { json: {} };
      await check(`${method} ${path}`, operationId, await app.request(path, { method, ...body }));
      // Reads only, so the walk changes nothing: the answers a client is most tempted to cache.
      if (method === 'GET') {
        await check(
          `${method} ${path} as admin`,
          operationId,
          await app.request(path, { token: admin.access_token }),
        );
      }
      await check(
        `${method} ${path.toUpperCase()}`,
        null,
        await app.request(path.toUpperCase(), { method, ...body }),
      );
    }
    expect(storable).toEqual([]);
    // The answers that matter most, by name: a profile, the admin list, the userinfo claims.
    for (const path of ['/users/me', '/userinfo', '/admin/users']) {
      const res = await app.request(path, { token: admin.access_token });
      expect(res.status, path).toBe(200);
      expect(res.headers.get('cache-control'), path).toBe('no-store');
    }
  });

  it('hides the scraper-only /metrics behind 404 without the METRICS_TOKEN bearer', async () => {
    const scraped = operations.filter((o) => o.scraperOnly);
    expect(scraped.map((o) => o.path)).toEqual(['/metrics']);
    for (const { method, path } of scraped) expect((await app.request(path, { method })).status).toBe(404);
  });

  it('refuses the exact attack of the finding: PUT /Admin/users/{id}/role and GET /ADMIN/users', async () => {
    const list = await app.request('/ADMIN/users');
    expect(list.status).toBe(404);
    const promote = await app.request(`/Admin/users/${SAMPLE_ID}/role`, {
      method: 'PUT',
      json: { role: 'admin' },
    });
    expect(promote.status).toBe(404);
    expect((await app.request('/USERS/ME')).status).toBe(404);
    expect((await app.request('/admin/users')).status).toBe(401);
  });
});
