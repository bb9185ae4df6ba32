import { readFileSync } from 'node:fs';
import { z } from 'zod';
import {
  createDocument,
  type oas31,
  type ZodOpenApiContentObject,
  type ZodOpenApiOperationObject,
  type ZodOpenApiPathsObject,
  type ZodOpenApiRequestBodyObject,
  type ZodOpenApiResponsesObject,
} from 'zod-openapi';
import { pathOf, type Access, type Route, type RouteRequest } from '../routing/route.js';
import { problem, problems } from './problems.js';

export type OpenApiDocument = oas31.OpenAPIObject;

/** `tokenUrl`: where the password grant's route is declared. */
const securitySchemes = (tokenUrl: string): Record<string, oas31.SecuritySchemeObject> => ({
  bearerAuth: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'An access token from `/auth/login`, `/auth/token` or `/auth/refresh`.',
  },
  metricsToken: {
    type: 'http',
    scheme: 'bearer',
    description: 'METRICS_TOKEN (or scrape the separate METRICS_PORT listener, which needs none).',
  },
  oauth2: {
    type: 'oauth2',
    description: 'OAuth 2.0 password grant: the username is an email or a username.',
    flows: { password: { tokenUrl, refreshUrl: tokenUrl, scopes: {} } },
  },
});

const BEARER: oas31.SecurityRequirementObject[] = [{ bearerAuth: [] }, { oauth2: [] }];

const SECURITY: Record<Access, oas31.SecurityRequirementObject[]> = {
  anyone: [],
  user: BEARER,
  admin: BEARER,
  'metrics-scraper': [{ metricsToken: [] }],
  // The empty requirement makes credentials optional (OpenAPI 3.1 §4.8.10).
  'token-or-body': [{}, ...BEARER],
};

const GUARD_PROBLEMS: Record<Access, ZodOpenApiResponsesObject> = {
  anyone: {},
  'token-or-body': {},
  user: problems(401),
  admin: {
    ...problems(401),
    ...problem(
      403,
      'The caller is not an administrator; with `MFA_REQUIRED_FOR_ADMINS=true` also a session without a second factor (`"error": "mfa_required"`).',
    ),
  },
  'metrics-scraper': problem(
    404,
    'No METRICS_TOKEN configured, or not the bearer token: as an unknown path.',
  ),
};

/** The failures every route of a kind has: derived from the declaration, so none is forgotten. */
const responsesOf = (route: Route): ZodOpenApiResponsesObject => {
  const request = route.request ?? {};
  const hasBody = request.json !== undefined || request.form !== undefined;
  // Status keys are integer-like, so the document lists them in numeric order whatever the spread
  // order; what the route states itself wins over the stock description.
  return {
    // The OAuth endpoints state their own 400s; only the body limit is a problem document there.
    ...(route.errors === 'oauth'
      ? problems(413)
      : hasBody
        ? problems(400, 413, 415, 422)
        : request.query !== undefined
          ? problems(422)
          : {}),
    ...GUARD_PROBLEMS[route.access],
    ...route.responses,
  };
};

const DESCRIPTION = [
  'Event-sourced authentication: register, log in, rotating refresh tokens, sessions, audit trail.',
  '',
  'Errors are RFC 9457 problem documents (`application/problem+json`) whose `detail` is always present.',
  'Every `401` carries `WWW-Authenticate: Bearer`. Lists are pages `{items, next_cursor}`: pass',
  '`next_cursor` back as `cursor`. Every response carries `X-Request-Id`.',
].join('\n');

const packageVersion = (): string => {
  // Same relative location from src/ (tests) and dist/ (production).
  const raw: unknown = JSON.parse(readFileSync(new URL('../../../../package.json', import.meta.url), 'utf8'));
  return z.object({ version: z.string() }).parse(raw).version;
};

const MEDIA_TYPES = { json: 'application/json', form: 'application/x-www-form-urlencoded' } as const;

const requestBodyOf = (request: RouteRequest): ZodOpenApiRequestBodyObject | undefined => {
  const content: ZodOpenApiContentObject = {};
  // In the table's order: Swagger UI preselects the first media type.
  for (const key of Object.keys(request)) {
    if (key !== 'json' && key !== 'form') continue;
    const schema = request[key];
    if (schema !== undefined) content[MEDIA_TYPES[key]] = { schema };
  }
  return Object.keys(content).length > 0 ? { required: request.bodyRequired ?? true, content } : undefined;
};

const operationOf = (route: Route): ZodOpenApiOperationObject => {
  const { query, path } = route.request ?? {};
  const requestBody = route.request !== undefined ? requestBodyOf(route.request) : undefined;
  return {
    operationId: route.operationId,
    summary: route.summary,
    ...(route.description !== undefined ? { description: route.description } : {}),
    tags: [route.tag],
    security: SECURITY[route.access],
    ...(query !== undefined || path !== undefined
      ? {
          requestParams: {
            ...(query !== undefined ? { query } : {}),
            ...(path !== undefined ? { path } : {}),
          },
        }
      : {}),
    ...(requestBody !== undefined ? { requestBody } : {}),
    responses: responsesOf(route),
  };
};

const pathsOf = (routes: readonly Route[]): ZodOpenApiPathsObject => {
  const paths: ZodOpenApiPathsObject = {};
  for (const route of routes) {
    if (route.undocumented === true) continue;
    const item = (paths[route.path] ??= {});
    if (item[route.method] !== undefined) throw new Error(`duplicate route ${route.method} ${route.path}`);
    item[route.method] = operationOf(route);
  }
  return paths;
};

const isResponse = (value: unknown): value is oas31.ResponseObject =>
  typeof value === 'object' && value !== null && 'description' in value;

/** Every response carries X-Request-Id; added here once rather than in every table row. */
const withRequestIdHeader = (document: OpenApiDocument): OpenApiDocument => {
  const ref: oas31.ReferenceObject = { $ref: '#/components/headers/X-Request-Id' };
  const responses: unknown[] = Object.values(document.components?.responses ?? {});
  for (const item of Object.values(document.paths ?? {})) {
    for (const method of ['get', 'put', 'post', 'delete', 'patch'] as const) {
      responses.push(...Object.values<unknown>(item[method]?.responses ?? {}));
    }
  }
  for (const response of responses) {
    if (isResponse(response)) response.headers = { ...response.headers, 'X-Request-Id': ref };
  }
  document.components = {
    ...document.components,
    headers: {
      ...document.components?.headers,
      'X-Request-Id': {
        description: 'Echoes a well-formed incoming `X-Request-Id`, otherwise a new id.',
        schema: { type: 'string' },
      },
    },
  };
  return document;
};

/** The OpenAPI 3.1 document of the API: built from the route declarations and their zod schemas. */
export function buildOpenApiDocument(routes: readonly Route[]): OpenApiDocument {
  const document = createDocument({
    openapi: '3.1.0',
    info: { title: 'Auth service API', version: packageVersion(), description: DESCRIPTION },
    // No `servers`: clients (and Swagger UI) resolve paths against the origin that served the document.
    tags: [
      { name: 'Authentication', description: 'Register, log in, tokens and logout.' },
      { name: 'Current user', description: 'The signed-in user and their own sessions.' },
      { name: 'Administration', description: 'Role `admin` only; others get `403`.' },
      { name: 'Discovery', description: 'Keys and metadata for resource servers.' },
      { name: 'Operations', description: 'Health probes and metrics.' },
      { name: 'Documentation', description: 'This document and the interactive docs page.' },
    ],
    paths: pathsOf(routes),
    components: { securitySchemes: securitySchemes(pathOf(routes, 'token')) },
  });
  return withRequestIdHeader(document);
}
