import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { presentTokens, presentUser } from '../../src/interfaces/http/presenters.js';
import {
  problemResponse,
  tokenResponse,
  userResponse,
  validationProblemResponse,
} from '../../src/interfaces/http/schemas/response.schemas.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

// Compile-time drift guard: the documented response objects have exactly the presenters' keys.
type SameKeys<A, B> = [keyof A] extends [keyof B] ? ([keyof B] extends [keyof A] ? true : false) : false;
const userKeysMatch: SameKeys<ReturnType<typeof presentUser>, z.output<typeof userResponse>> = true;
const tokenKeysMatch: SameKeys<ReturnType<typeof presentTokens>, z.output<typeof tokenResponse>> = true;

/** Just enough of OpenAPI 3.1 to check the document's shape and read it in the tests. */
const reference = z.object({ $ref: z.string().startsWith('#/') });
const jsonSchema = z.record(z.string(), z.unknown());
const parameter = z.looseObject({
  in: z.enum(['query', 'path', 'header', 'cookie']),
  name: z.string(),
  schema: jsonSchema,
});
const response = z.looseObject({
  description: z.string(),
  headers: z.record(z.string(), z.union([reference, z.looseObject({ schema: jsonSchema })])).optional(),
  content: z.record(z.string(), z.looseObject({ schema: jsonSchema })).optional(),
});
const operation = z.looseObject({
  operationId: z.string(),
  summary: z.string().min(1),
  tags: z.array(z.string()).min(1),
  security: z.array(z.record(z.string(), z.array(z.string()))),
  parameters: z.array(parameter).optional(),
  requestBody: z
    .looseObject({ content: z.record(z.string(), z.looseObject({ schema: jsonSchema })) })
    .optional(),
  responses: z.record(z.string().regex(/^[1-5]\d\d$/), z.union([reference, response])),
});
const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;
const openApiDocument = z.looseObject({
  openapi: z.string().regex(/^3\.1\.\d+$/),
  info: z.looseObject({ title: z.string(), version: z.string() }),
  paths: z.record(z.string().startsWith('/'), z.partialRecord(z.enum(METHODS), operation)),
  components: z.looseObject({
    schemas: z.record(z.string(), jsonSchema),
    responses: z.record(z.string(), response),
    securitySchemes: z.record(z.string(), z.looseObject({ type: z.string() })),
  }),
});
type OpenApiDocument = z.infer<typeof openApiDocument>;
type Operation = z.infer<typeof operation>;

const operationsOf = (doc: OpenApiDocument): { key: string; path: string; operation: Operation }[] =>
  Object.entries(doc.paths).flatMap(([path, item]) =>
    METHODS.flatMap((method) => {
      const op = item[method];
      return op === undefined ? [] : [{ key: `${method.toUpperCase()} ${path}`, path, operation: op }];
    }),
  );

/** Follows a `#/components/...` reference. */
const resolve = (doc: OpenApiDocument, ref: string): unknown =>
  ref
    .slice(2)
    .split('/')
    .reduce<unknown>(
      (node, key) =>
        typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[key] : undefined,
      doc,
    );

const referencesIn = (node: unknown): string[] => {
  if (Array.isArray(node)) return node.flatMap(referencesIn);
  if (typeof node !== 'object' || node === null) return [];
  return Object.entries(node).flatMap(([key, value]) =>
    key === '$ref' && typeof value === 'string' ? [value] : referencesIn(value),
  );
};

/** A validator for a JSON Schema of the document, with its component references resolvable. */
const validatorOf = (doc: OpenApiDocument, schema: unknown): z.ZodType => {
  const standalone = JSON.stringify({ ...jsonSchema.parse(schema), $defs: doc.components.schemas });
  const parsed: unknown = JSON.parse(standalone.replaceAll('#/components/schemas/', '#/$defs/'));
  return z.fromJSONSchema(jsonSchema.parse(parsed));
};

describe('OpenAPI document (embedded store)', () => {
  let app: TestApp;
  let doc: OpenApiDocument;
  let etag: string | null;

  beforeAll(async () => {
    app = await startTestApp('embedded');
    const res = await app.request('/openapi.json');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    etag = res.headers.get('etag');
    doc = openApiDocument.parse(await res.json());
  });
  afterAll(async () => {
    await app.dispose();
  });

  it('keeps the documented response objects and the presenters in step (compile time)', () => {
    expect([userKeysMatch, tokenKeysMatch]).toEqual([true, true]);
  });

  it('is an OpenAPI 3.1 document whose references all resolve', () => {
    expect(doc.openapi).toMatch(/^3\.1\./);
    const dangling = [...new Set(referencesIn(doc))].filter((ref) => resolve(doc, ref) === undefined);
    expect(dangling).toEqual([]);
    const ids = operationsOf(doc).map((o) => o.operation.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { key, path, operation: op } of operationsOf(doc)) {
      const templated = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      const inPath = (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name);
      expect(inPath, key).toEqual(templated);
    }
  });

  it('declares bearer JWT and the OAuth 2.0 password flow at /auth/token', () => {
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
    });
    expect(doc.components.securitySchemes.oauth2).toMatchObject({
      type: 'oauth2',
      flows: { password: { tokenUrl: '/auth/token', scopes: {} } },
    });
    const me = doc.paths['/users/me']?.get;
    expect(me?.security).toEqual([{ bearerAuth: [] }, { oauth2: [] }]);
    expect(doc.paths['/auth/register']?.post?.security).toEqual([]);
  });

  it('lists the problem responses of API.md with their headers and bodies', () => {
    const responseOf = (path: string, method: (typeof METHODS)[number], status: string) => {
      const found = doc.paths[path]?.[method]?.responses[status];
      const ref = reference.safeParse(found);
      return response.parse(ref.success ? resolve(doc, ref.data.$ref) : found);
    };
    const unauthorized = responseOf('/users/me', 'get', '401');
    expect(Object.keys(unauthorized.headers ?? {})).toContain('WWW-Authenticate');
    expect(Object.keys(unauthorized.content ?? {})).toEqual(['application/problem+json']);
    expect(Object.keys(responseOf('/auth/login', 'post', '429').headers ?? {})).toContain('Retry-After');
    expect(responseOf('/auth/register', 'post', '422').content?.['application/problem+json']?.schema).toEqual(
      {
        $ref: '#/components/schemas/ValidationProblem',
      },
    );
    for (const status of ['200', '400', '401', '403', '413', '415', '422', '429']) {
      expect(doc.paths['/auth/login']?.post?.responses[status], `login ${status}`).toBeDefined();
    }
    for (const status of ['201', '409', '413', '415', '422'])
      expect(doc.paths['/auth/register']?.post?.responses[status]).toBeDefined();
    expect(doc.paths['/admin/users/{id}']?.get?.responses['403']).toBeDefined();
    expect(doc.paths['/users/me/sessions/{id}']?.delete?.responses['404']).toBeDefined();
    expect(Object.keys(doc.paths['/auth/login']?.post?.requestBody?.content ?? {})).toEqual([
      'application/json',
      'application/x-www-form-urlencoded',
    ]);
  });

  it('answers If-None-Match with 304', async () => {
    expect(etag).toMatch(/^"[\w-]+"$/);
    // fetch adds `Cache-Control: no-cache` unless told otherwise, and that forbids a 304.
    const res = await app.request('/openapi.json', {
      headers: { 'If-None-Match': etag ?? '', 'Cache-Control': 'max-age=0' },
    });
    expect(res.status).toBe(304);
  });

  it('rejects, as documented, the register bodies the server rejects', async () => {
    const body = doc.paths['/auth/register']?.post?.requestBody?.content['application/json']?.schema;
    const documented = validatorOf(doc, body);
    const rejected: unknown[] = [
      { email: 42, password: 'a long passphrase' },
      { email: 'typed@example.com' },
      { email: 'typed@example.com', password: ['a long passphrase'] },
      { email: 'typed@example.com', password: 'a long passphrase', username: 7 },
      { email: `${'x'.repeat(321)}@example.com`, password: 'a long passphrase' },
      ['not', 'an', 'object'],
    ];
    for (const candidate of rejected) {
      expect(documented.safeParse(candidate).success, JSON.stringify(candidate)).toBe(false);
      const res = await app.request('/auth/register', { method: 'POST', json: candidate });
      expect(res.status, JSON.stringify(candidate)).toBe(422);
    }
    const accepted = {
      email: 'typed@example.com',
      password: 'a long passphrase',
      name: 'Typed',
      username: null,
    };
    expect(documented.safeParse(accepted).success).toBe(true);
    const res = await app.request('/auth/register', { method: 'POST', json: accepted });
    expect(res.status).toBe(201);
    const user: unknown = await res.json();
    expect(Object.keys(z.record(z.string(), z.unknown()).parse(user)).sort()).toEqual(
      Object.keys(userResponse.shape).sort(),
    );
    expect(userResponse.safeParse(user).success).toBe(true);
  });

  it('accepts, as documented, the token form Swagger UI sends, extra client fields included', async () => {
    await app.request('/auth/register', {
      method: 'POST',
      json: { email: 'form@example.com', password: 'a long passphrase' },
    });
    const form =
      doc.paths['/auth/token']?.post?.requestBody?.content['application/x-www-form-urlencoded']?.schema;
    const fields = {
      grant_type: 'password',
      username: 'form@example.com',
      password: 'a long passphrase',
      scope: '',
      client_id: 'docs',
    };
    expect(validatorOf(doc, form).safeParse(fields).success).toBe(true);
    const res = await app.request('/auth/token', {
      method: 'POST',
      // Swagger UI may add HTTP Basic client credentials and a client_secret: both are ignored.
      headers: { Authorization: `Basic ${btoa('docs:')}` },
      body: new URLSearchParams({ ...fields, client_secret: 'ignored' }),
    });
    expect(res.status).toBe(200);
    const tokens: unknown = await res.json();
    expect(tokenResponse.safeParse(tokens).success).toBe(true);

    const unsupported = await app.request('/auth/token', {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'magic' }),
    });
    expect(unsupported.status).toBe(400);
    expect(await unsupported.json()).toMatchObject({ error: 'unsupported_grant_type' });
  });

  it('rejects, as documented, out-of-range query parameters', async () => {
    const limit = doc.paths['/users/me/sessions']?.get?.parameters?.find((p) => p.name === 'limit');
    const documented = validatorOf(doc, limit?.schema);
    expect(documented.safeParse(0).success).toBe(false);
    expect(documented.safeParse(101).success).toBe(false);
    expect(documented.safeParse(5).success).toBe(true);

    const login = await app.request('/auth/login', {
      method: 'POST',
      json: { email: 'form@example.com', password: 'a long passphrase' },
    });
    const { access_token } = z.object({ access_token: z.string() }).parse(await login.json());
    for (const limit of ['0', '101']) {
      const res = await app.request(`/users/me/sessions?limit=${limit}`, { token: access_token });
      expect(res.status).toBe(422);
      expect(validationProblemResponse.safeParse(await res.json()).success).toBe(true);
    }
    expect((await app.request('/users/me/sessions?limit=5', { token: access_token })).status).toBe(200);

    const anonymous = await app.request('/users/me');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(problemResponse.safeParse(await anonymous.json()).success).toBe(true);
  });

  it('serves the docs page and its assets from swagger-ui-dist, with a self-only CSP', async () => {
    const page = await app.request('/docs');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe');
    const html = await page.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // no inline script
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] ?? '');
    expect(assets.some((a) => a.startsWith('/docs/assets/swagger-ui-bundle.js'))).toBe(true);
    expect(assets.some((a) => a.startsWith('/docs/assets/docs-init.js'))).toBe(true);
    for (const asset of assets) {
      const res = await app.request(asset);
      expect(res.status, asset).toBe(200);
      expect(res.headers.get('cache-control'), asset).toMatch(/max-age=\d+/);
      await res.arrayBuffer();
    }
    const init = await (await app.request('/docs/assets/docs-init.js')).text();
    expect(init).toContain('"/openapi.json"');
    expect(init).toContain('persistAuthorization: false');
    for (const probe of [
      '/docs/assets/swagger-initializer.js',
      '/docs/assets/..%2Fpackage.json',
      '/docs/assets/nope.js',
    ]) {
      const res = await app.request(probe);
      expect(res.status, probe).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    }
  });
});
