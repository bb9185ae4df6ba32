import { z } from 'zod';
import type { ZodOpenApiResponsesObject } from 'zod-openapi';
import { loginAttemptQuery, userSearchQuery } from '../schemas/admin.schemas.js';
import {
  formLoginBody,
  jsonLoginBody,
  logoutBody,
  refreshBody,
  registerBody,
} from '../schemas/auth.schemas.js';
import { pageQuery, uuidParam } from '../schemas/common.js';
import {
  jwksResponse,
  livenessResponse,
  loginAttemptResponse,
  openApiDocumentResponse,
  openIdConfigurationResponse,
  pageOf,
  readinessResponse,
  sessionResponse,
  tokenResponse,
  userEventResponse,
  userResponse,
} from '../schemas/response.schemas.js';
import { passwordChangeBody, profileBody, roleBody } from '../schemas/user.schemas.js';
import { oauthProblem, problem, problems, PROBLEM_JSON } from './problems.js';

/**
 * Every documented operation, in one table: the OpenAPI document is generated from it, and
 * tests/integration/openapi.spec.ts checks it against the Koa routers in both directions. The
 * request schemas are the very ones the routes validate with, so the document cannot drift.
 */

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

export type Tag =
  'Authentication' | 'Current user' | 'Administration' | 'Discovery' | 'Operations' | 'Documentation';

/** `public`: no credentials; `bearer`: an access token; `optional-bearer`: either a body or a token. */
export type Security = 'public' | 'bearer' | 'optional-bearer';

export interface RouteRequest {
  /** Body schemas by media type; their order here is the order in the document. */
  readonly json?: z.ZodType;
  readonly form?: z.ZodType;
  /** Defaults to true when a body schema is given. */
  readonly bodyRequired?: boolean;
  readonly query?: z.ZodObject;
  readonly path?: z.ZodObject;
}

export interface DocumentedRoute {
  readonly method: HttpMethod;
  /** OpenAPI path template (`{id}`, not Koa's `:id`). */
  readonly path: `/${string}`;
  readonly operationId: string;
  readonly summary: string;
  readonly description?: string;
  readonly tags: readonly [Tag];
  readonly security: Security;
  readonly request?: RouteRequest;
  readonly responses: ZodOpenApiResponsesObject;
}

const JSON_TYPE = 'application/json';

const ok = (
  description: string,
  schema: z.ZodType,
  status: '200' | '201' = '200',
): ZodOpenApiResponsesObject => ({
  [status]: { description, content: { [JSON_TYPE]: { schema } } },
});
const noContent = (description: string): ZodOpenApiResponsesObject => ({ '204': { description } });

const tokens: ZodOpenApiResponsesObject = {
  '200': {
    description: 'A new token pair (sent with `Cache-Control: no-store`).',
    content: { [JSON_TYPE]: { schema: tokenResponse } },
  },
};

const userPath = z.object({ id: uuidParam.meta({ description: 'User id.' }) });
const sessionPath = z.object({ id: uuidParam.meta({ description: 'Session id.' }) });

/** What `/auth/token` accepts: the password grant (as login) or the refresh grant. */
const tokenForm = z
  .union([formLoginBody, refreshBody.extend({ grant_type: z.literal('refresh_token') })])
  .meta({ description: 'Another `grant_type` gets `400 {"error": "unsupported_grant_type"}`.' });

const users = pageOf(userResponse, 'UserPage');
const sessions = pageOf(sessionResponse, 'SessionPage');
const attempts = pageOf(loginAttemptResponse, 'LoginAttemptPage');
const events = pageOf(userEventResponse, 'UserEventPage');

const BAD_BODY = problems(400, 413, 415, 422);
/** Deactivating or demoting one's own account could leave nobody able to undo it. */
const NOT_YOURSELF = problem(409, 'An administrator cannot deactivate or demote their own account.');
const ADMIN_GUARD = { ...problems(401), ...problem(403, 'The caller is not an administrator.') };
const noSuchUser = problem(404, 'No such user.');

const authRoutes: readonly DocumentedRoute[] = [
  {
    method: 'post',
    path: '/auth/register',
    operationId: 'register',
    summary: 'Register a user',
    tags: ['Authentication'],
    security: 'public',
    request: { json: registerBody },
    responses: {
      '201': {
        description: 'The new user.',
        headers: z.object({ Location: z.string().meta({ examples: ['/users/me'] }) }),
        content: { [JSON_TYPE]: { schema: userResponse } },
      },
      ...BAD_BODY,
      ...problem(409, 'The email or username is taken (case-insensitive, after trimming).'),
      ...problem(429, 'Too many registrations from this address.'),
    },
  },
  {
    method: 'post',
    path: '/auth/login',
    operationId: 'logIn',
    summary: 'Log in',
    description:
      'JSON `{email|username, password}`, or the OAuth 2.0 password-grant form (`username` may hold an email). ' +
      'Send the `device_token` of an earlier login in `X-Device-Token`: a trusted device keeps logging in while the account is locked for untrusted clients.',
    tags: ['Authentication'],
    security: 'public',
    request: { json: jsonLoginBody, form: formLoginBody },
    responses: {
      ...tokens,
      ...BAD_BODY,
      ...problem(401, 'Wrong identifier or password (the same answer for both).'),
      ...problem(403, 'The account is deactivated.'),
      ...problems(429),
    },
  },
  {
    method: 'post',
    path: '/auth/token',
    operationId: 'token',
    summary: 'OAuth 2.0 token endpoint',
    description:
      'Password grant (as login, `X-Device-Token` included) or refresh grant (as refresh). Errors also carry OAuth 2.0 `error` codes.',
    tags: ['Authentication'],
    security: 'public',
    request: { form: tokenForm, json: tokenForm },
    responses: {
      ...tokens,
      ...problem(
        400,
        'Malformed body, invalid refresh request (`invalid_request`) or `unsupported_grant_type`.',
        {
          schema: oauthProblem,
          extensions: { error: 'unsupported_grant_type' },
        },
      ),
      ...problem(401, 'Wrong credentials or refresh token (`invalid_grant`).', {
        schema: oauthProblem,
        extensions: { error: 'invalid_grant', error_description: 'Incorrect email, username or password.' },
      }),
      ...problem(403, 'The account is deactivated.'),
      ...problems(413, 415, 422, 429),
    },
  },
  {
    method: 'post',
    path: '/auth/refresh',
    operationId: 'refresh',
    summary: 'Rotate a refresh token',
    description: 'Returns a new refresh token; presenting an already-used one revokes its whole session.',
    tags: ['Authentication'],
    security: 'public',
    request: { json: refreshBody },
    responses: {
      ...tokens,
      ...BAD_BODY,
      ...problem(401, 'Unknown, expired, revoked or already-used refresh token.'),
    },
  },
  {
    method: 'post',
    path: '/auth/logout',
    operationId: 'logOut',
    summary: 'Log out one session',
    description: 'Send the refresh token, or no body with a bearer access token.',
    tags: ['Authentication'],
    security: 'optional-bearer',
    request: { json: logoutBody, bodyRequired: false },
    responses: {
      ...noContent('The session is revoked (also when it already was).'),
      ...BAD_BODY,
      ...problem(401, 'Neither a refresh token nor a valid access token was sent.'),
    },
  },
  {
    method: 'post',
    path: '/auth/logout-all',
    operationId: 'logOutEverywhere',
    summary: 'Log out every session of the user',
    tags: ['Authentication'],
    security: 'bearer',
    responses: { ...noContent('Every session of the user is revoked.'), ...problems(401) },
  },
  {
    method: 'get',
    path: '/auth/me',
    operationId: 'getCurrentUserAlias',
    summary: 'The signed-in user (alias of GET /users/me)',
    tags: ['Authentication'],
    security: 'bearer',
    responses: {
      ...ok('The signed-in user.', userResponse),
      ...problems(401),
      ...problem(403, 'The account is deactivated.'),
    },
  },
];

const meRoutes: readonly DocumentedRoute[] = [
  {
    method: 'get',
    path: '/users/me',
    operationId: 'getCurrentUser',
    summary: 'The signed-in user',
    tags: ['Current user'],
    security: 'bearer',
    responses: {
      ...ok('The signed-in user.', userResponse),
      ...problems(401),
      ...problem(403, 'The account is deactivated.'),
    },
  },
  ...(['put', 'patch'] as const).map((method): DocumentedRoute => ({
    method,
    path: '/users/me',
    operationId: method === 'put' ? 'replaceProfile' : 'updateProfile',
    summary: 'Change the profile',
    tags: ['Current user'],
    security: 'bearer',
    request: { json: profileBody },
    responses: {
      ...ok('The updated user.', userResponse),
      ...BAD_BODY,
      ...problems(401),
      ...problem(403, 'The account is deactivated.'),
      ...problem(409, 'The email or username is taken, or the profile changed at the same time.'),
    },
  })),
  {
    method: 'post',
    path: '/users/me/password',
    operationId: 'changePassword',
    summary: 'Change the password',
    tags: ['Current user'],
    security: 'bearer',
    request: { json: passwordChangeBody },
    responses: {
      ...noContent('Changed; every other session is revoked.'),
      ...problems(400, 413, 415),
      ...problem(401, 'Invalid access token, or wrong current password.'),
      ...problem(422, 'Invalid fields or a weak new password.'),
      ...problem(429, 'Too many wrong current passwords: counted and locked like login.'),
    },
  },
  {
    method: 'get',
    path: '/users/me/sessions',
    operationId: 'listSessions',
    summary: "The user's sessions",
    tags: ['Current user'],
    security: 'bearer',
    request: { query: pageQuery },
    responses: { ...ok('A page of sessions.', sessions), ...problems(401, 422) },
  },
  {
    method: 'delete',
    path: '/users/me/sessions/{id}',
    operationId: 'revokeSession',
    summary: 'End one of the sessions',
    tags: ['Current user'],
    security: 'bearer',
    request: { path: sessionPath },
    responses: {
      ...noContent('The session is revoked.'),
      ...problems(401),
      ...problem(404, "Not one of the user's sessions."),
    },
  },
  {
    method: 'get',
    path: '/users/me/login-history',
    operationId: 'loginHistory',
    summary: "The user's login attempts, newest first",
    tags: ['Current user'],
    security: 'bearer',
    request: { query: pageQuery },
    responses: { ...ok('A page of login attempts.', attempts), ...problems(401, 422) },
  },
];

const adminRoutes: readonly DocumentedRoute[] = [
  {
    method: 'get',
    path: '/admin/users',
    operationId: 'searchUsers',
    summary: 'Search users',
    tags: ['Administration'],
    security: 'bearer',
    request: { query: userSearchQuery },
    responses: { ...ok('A page of users.', users), ...ADMIN_GUARD, ...problems(422) },
  },
  {
    method: 'get',
    path: '/admin/users/{id}',
    operationId: 'getUser',
    summary: 'One user',
    tags: ['Administration'],
    security: 'bearer',
    request: { path: userPath },
    responses: { ...ok('The user.', userResponse), ...ADMIN_GUARD, ...noSuchUser },
  },
  {
    method: 'post',
    path: '/admin/users/{id}/deactivate',
    operationId: 'deactivateUser',
    summary: 'Deactivate a user (revokes every session)',
    tags: ['Administration'],
    security: 'bearer',
    request: { path: userPath },
    responses: { ...ok('The user.', userResponse), ...ADMIN_GUARD, ...noSuchUser, ...NOT_YOURSELF },
  },
  {
    method: 'post',
    path: '/admin/users/{id}/reactivate',
    operationId: 'reactivateUser',
    summary: 'Reactivate a user',
    tags: ['Administration'],
    security: 'bearer',
    request: { path: userPath },
    responses: { ...ok('The user.', userResponse), ...ADMIN_GUARD, ...noSuchUser },
  },
  {
    method: 'put',
    path: '/admin/users/{id}/role',
    operationId: 'changeRole',
    summary: "Change a user's role",
    tags: ['Administration'],
    security: 'bearer',
    request: { path: userPath, json: roleBody },
    responses: {
      ...ok('The user.', userResponse),
      ...ADMIN_GUARD,
      ...noSuchUser,
      ...BAD_BODY,
      ...NOT_YOURSELF,
    },
  },
  {
    method: 'delete',
    path: '/admin/users/{id}/sessions',
    operationId: 'revokeUserSessions',
    summary: 'Revoke every session of a user',
    tags: ['Administration'],
    security: 'bearer',
    request: { path: userPath },
    responses: { ...noContent('Every session is revoked.'), ...ADMIN_GUARD, ...noSuchUser },
  },
  {
    method: 'get',
    path: '/admin/users/{id}/events',
    operationId: 'userEvents',
    summary: "The user's domain events (no secrets or hashes)",
    tags: ['Administration'],
    security: 'bearer',
    request: { path: userPath, query: pageQuery },
    responses: {
      ...ok('A page of events, oldest first.', events),
      ...ADMIN_GUARD,
      ...noSuchUser,
      ...problems(422),
    },
  },
  {
    method: 'get',
    path: '/admin/login-attempts',
    operationId: 'searchLoginAttempts',
    summary: 'Search login attempts',
    description:
      'With `Accept: application/x-ndjson` the whole match is streamed, one login attempt per line.',
    tags: ['Administration'],
    security: 'bearer',
    request: { query: loginAttemptQuery },
    responses: {
      '200': {
        description: 'A page of login attempts, or with NDJSON every match, one `LoginAttempt` per line.',
        content: {
          [JSON_TYPE]: { schema: attempts },
          'application/x-ndjson': { schema: loginAttemptResponse },
        },
      },
      ...ADMIN_GUARD,
      ...problems(422),
    },
  },
];

const operationsRoutes: readonly DocumentedRoute[] = [
  {
    method: 'get',
    path: '/.well-known/jwks.json',
    operationId: 'jwks',
    summary: 'Public signing keys (current and still-valid previous ones)',
    tags: ['Discovery'],
    security: 'public',
    responses: ok('The JSON Web Key Set.', jwksResponse),
  },
  {
    method: 'get',
    path: '/.well-known/openid-configuration',
    operationId: 'openIdConfiguration',
    summary: 'Discovery document',
    tags: ['Discovery'],
    security: 'public',
    responses: ok('Issuer, endpoints, grant types and algorithms.', openIdConfigurationResponse),
  },
  {
    method: 'get',
    path: '/health/live',
    operationId: 'liveness',
    summary: 'Liveness',
    tags: ['Operations'],
    security: 'public',
    responses: ok('The process runs.', livenessResponse),
  },
  {
    method: 'get',
    path: '/health/ready',
    operationId: 'readiness',
    summary: 'Readiness',
    tags: ['Operations'],
    security: 'public',
    responses: {
      ...ok('The store answers and projections are caught up.', readinessResponse),
      '503': {
        description: 'Not ready; `checks` says why.',
        content: { [JSON_TYPE]: { schema: readinessResponse } },
      },
    },
  },
  {
    method: 'get',
    path: '/metrics',
    operationId: 'metrics',
    summary: 'Prometheus metrics',
    description:
      'Internal: needs no token, so keep it off the public listener and let only the scraper reach it.',
    tags: ['Operations'],
    security: 'public',
    responses: {
      '200': {
        description: 'The Prometheus text exposition format.',
        content: {
          'text/plain': { schema: z.string().meta({ examples: ['http_requests_total{method="GET"} 1'] }) },
        },
      },
    },
  },
  {
    method: 'get',
    path: '/openapi.json',
    operationId: 'openApiDocument',
    summary: 'This OpenAPI 3.1 document',
    tags: ['Documentation'],
    security: 'public',
    responses: {
      ...ok('The document (with an `ETag`).', openApiDocumentResponse),
      '304': { description: 'Unchanged since the `If-None-Match` ETag.' },
    },
  },
  {
    method: 'get',
    path: '/docs',
    operationId: 'docsPage',
    summary: 'Interactive API docs (Swagger UI)',
    tags: ['Documentation'],
    security: 'public',
    responses: { '200': { description: 'The HTML page.', content: { 'text/html': { schema: z.string() } } } },
  },
];

export const API_ROUTES: readonly DocumentedRoute[] = [
  ...authRoutes,
  ...meRoutes,
  ...adminRoutes,
  ...operationsRoutes,
];

/** Routes deliberately left out of the document: the docs page's own static files. */
export const UNDOCUMENTED_ROUTES: readonly { readonly method: HttpMethod; readonly path: string }[] = [
  { method: 'get', path: '/docs/assets/{file}' },
];

export { PROBLEM_JSON };
