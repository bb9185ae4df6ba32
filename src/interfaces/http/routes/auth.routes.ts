import { z } from 'zod';
import type { ZodOpenApiResponsesObject } from 'zod-openapi';
import type { UseCases } from '../../../application/use-cases.js';
import { bearerTokenOf } from '../middleware/auth-guard.js';
import { problem, problems, PROBLEM_JSON } from '../openapi/problems.js';
import { OAuthError } from '../middleware/oauth-errors.js';
import { presentUser } from '../presenters.js';
import { unauthorized } from '../problem.js';
import { requestContextOf } from '../request-context.js';
import { deviceTokenOf, sendTokens, statusAfter } from '../routing/handlers.js';
import { JSON_TYPE, noContent, tokens } from '../routing/responses.js';
import { defineRoute, type Route } from '../routing/route.js';
import {
  formLoginBody,
  jsonLoginBody,
  logoutBody,
  reauthenticateBody,
  refreshBody,
  refreshGrantForm,
  registerBody,
  revokeForm,
  tokenGrant,
} from '../schemas/auth.schemas.js';
import { oauthErrorResponse, problemResponse, userResponse } from '../schemas/response.schemas.js';
import { mfaRequiredOAuthError, mfaRequiredProblem } from '../schemas/mfa.schemas.js';
import { parseInput } from '../validation.js';
import { currentUserRoute } from './me.routes.js';

/** RFC 6749 §5.2: the OAuth endpoints answer plain JSON `{error, error_description}`. */
const oauthError = (
  status: 400 | 403 | 429 | 503,
  description: string,
  example: { error: string; error_description: string },
): ZodOpenApiResponsesObject => ({
  [String(status)]: {
    description,
    ...(status === 429 || status === 503
      ? { headers: z.object({ 'Retry-After': z.string().meta({ description: 'Seconds.' }) }) }
      : {}),
    content: {
      [JSON_TYPE]: { schema: oauthErrorResponse, example },
      // A body that is not even JSON or a form is refused before the route, as everywhere.
      ...(status === 400 ? { [PROBLEM_JSON]: { schema: problemResponse } } : {}),
    },
  },
});

/** What `/auth/token` accepts: the password grant (as login) or the refresh grant. */
const tokenForm = z
  .union([formLoginBody, refreshGrantForm])
  .meta({ description: 'Another `grant_type` gets `400 {"error": "unsupported_grant_type"}`.' });

const deactivated = problem(403, 'The account is deactivated.');

export const authRoutes = (u: UseCases): Route[] => [
  defineRoute({
    method: 'post',
    path: '/auth/register',
    access: 'anyone',
    operationId: 'register',
    summary: 'Register a user',
    tag: 'Authentication',
    request: { json: registerBody },
    responses: {
      '201': {
        description: 'The new user.',
        headers: z.object({ Location: z.string().meta({ examples: ['/users/me'] }) }),
        content: { [JSON_TYPE]: { schema: userResponse } },
      },
      ...problem(409, 'The email or username is taken (case-insensitive, after trimming).'),
      ...problem(429, 'Too many registrations from this address.'),
    },
    handler: async (ctx, { body }) => {
      const { user } = await u.register.execute(body, requestContextOf(ctx));
      ctx.status = 201;
      ctx.set('Location', '/users/me');
      ctx.body = presentUser(user);
    },
  }),
  defineRoute({
    method: 'post',
    path: '/auth/login',
    access: 'anyone',
    sameSiteOnly: true,
    operationId: 'logIn',
    summary: 'Log in',
    description:
      'JSON `{email|username, password}`, or the OAuth 2.0 password-grant form (`username` may hold an email).',
    tag: 'Authentication',
    request: { json: jsonLoginBody, form: formLoginBody },
    responses: {
      ...tokens,
      ...problem(401, 'Wrong identifier or password (the same answer for both).'),
      ...problem(
        403,
        'The account is deactivated; or, on an account with MFA, the password was right and the login needs its second step: `{"error": "mfa_required", "mfa_token", "expires_in"}` for POST /auth/login/mfa (no tokens are issued).',
        { schema: z.union([mfaRequiredProblem, problemResponse]) },
      ),
      ...problems(429),
    },
    handler: async (ctx, { body }) => {
      sendTokens(
        ctx,
        await u.logIn.execute({ ...body, deviceToken: deviceTokenOf(ctx) }, requestContextOf(ctx)),
      );
    },
  }),
  defineRoute({
    method: 'post',
    path: '/auth/token',
    access: 'anyone',
    sameSiteOnly: true,
    operationId: 'token',
    summary: 'OAuth 2.0 token endpoint',
    description:
      'Password grant (as login) or refresh grant (as refresh). Errors also carry OAuth 2.0 `error` codes.',
    tag: 'Authentication',
    errors: 'oauth',
    request: { form: tokenForm, json: tokenForm, rawBody: true },
    responses: {
      ...tokens,
      ...oauthError(
        400,
        '`invalid_grant`: wrong credentials, or an unknown, used or expired refresh token; `invalid_request`: missing or malformed fields; `unsupported_grant_type`.',
        { error: 'invalid_grant', error_description: 'Incorrect email, username or password.' },
      ),
      '403': {
        description:
          '`access_denied`: the account is deactivated. `mfa_required` (with `mfa_token`, `expires_in`): the password was right and the account has MFA; finish at POST /auth/login/mfa.',
        content: {
          [JSON_TYPE]: {
            schema: z.union([mfaRequiredOAuthError, oauthErrorResponse]),
            example: { error: 'access_denied', error_description: 'The account is deactivated.' },
          },
        },
      },
      ...oauthError(429, 'Locked out or rate limited.', {
        error: 'invalid_request',
        error_description: 'Too many attempts; try again later.',
      }),
    },
    handler: async (ctx) => {
      // Parsed here, not by the declaration: each grant has its own fields.
      const body: unknown = ctx.request.body;
      const { grant_type } = parseInput(tokenGrant, body);
      const context = requestContextOf(ctx);
      if (grant_type === 'password') {
        const login = { ...parseInput(formLoginBody, body), deviceToken: deviceTokenOf(ctx) };
        sendTokens(ctx, await u.logIn.execute(login, context));
      } else if (grant_type === 'refresh_token') {
        const input = parseInput(refreshGrantForm, body);
        sendTokens(ctx, await u.refresh.execute(input.refresh_token, context, input.client_id));
      } else {
        throw new OAuthError(
          400,
          'unsupported_grant_type',
          `The grant type "${grant_type.slice(0, 50)}" is not supported.`,
        );
      }
    },
  }),
  defineRoute({
    method: 'post',
    path: '/auth/revoke',
    access: 'anyone',
    operationId: 'revoke',
    summary: 'Revoke a token (RFC 7009)',
    description:
      'A refresh or access token; its session is revoked. 200 also for unknown or already revoked tokens, so the answer reveals nothing about the token.',
    tag: 'Authentication',
    errors: 'oauth',
    request: { form: revokeForm, json: revokeForm },
    responses: {
      '200': { description: 'Revoked (or nothing to revoke).' },
      ...oauthError(400, '`invalid_request`: no `token`.', {
        error: 'invalid_request',
        error_description: 'The request has invalid fields. token: is required',
      }),
    },
    handler: async (ctx, { body }) => {
      // RFC 7009: 200 whether or not the token was valid, so the answer reveals nothing.
      await u.logOut.revoke(body.token, body.token_type_hint, requestContextOf(ctx));
      ctx.set('Cache-Control', 'no-store');
      ctx.status = 200;
      ctx.body = '';
    },
  }),
  defineRoute({
    method: 'post',
    path: '/auth/refresh',
    access: 'anyone',
    operationId: 'refresh',
    summary: 'Rotate a refresh token',
    description: 'Returns a new refresh token; presenting an already-used one revokes its whole session.',
    tag: 'Authentication',
    request: { json: refreshBody },
    responses: { ...tokens, ...problem(401, 'Unknown, expired, revoked or already-used refresh token.') },
    handler: async (ctx, { body }) => {
      sendTokens(ctx, await u.refresh.execute(body.refresh_token, requestContextOf(ctx)));
    },
  }),
  defineRoute({
    method: 'post',
    path: '/auth/reauthenticate',
    access: 'user',
    // Before the bearer check and the password: a page elsewhere must not spend the user's guesses.
    sameSiteOnly: true,
    operationId: 'reauthenticate',
    summary: 'Prove the password again (recent authentication)',
    description:
      'For the same session: a new token pair whose access token has a fresh `auth_time`, so email, username and password changes are allowed for REAUTH_WINDOW. The refresh token rotates (the old one is superseded, as by a refresh). The password is counted and locked like a login.',
    tag: 'Authentication',
    request: { json: reauthenticateBody },
    responses: {
      ...tokens,
      ...problem(401, 'Wrong password, or the session has ended.'),
      ...deactivated,
      ...problems(429),
    },
    handler: async (ctx, { principal, body }) => {
      sendTokens(ctx, await u.reauthenticate.execute(principal, body, requestContextOf(ctx)));
    },
  }),
  defineRoute({
    method: 'post',
    path: '/auth/logout',
    access: 'token-or-body',
    operationId: 'logOut',
    summary: 'Log out one session',
    description: 'Send the refresh token, or no body with a bearer access token.',
    tag: 'Authentication',
    request: { json: logoutBody, bodyRequired: false },
    responses: {
      ...noContent('The session is revoked (also when it already was).'),
      ...problem(401, 'Neither a refresh token nor a valid access token was sent.'),
    },
    handler: async (ctx, { body }) => {
      if (body.refresh_token !== undefined) {
        await u.logOut.withRefreshToken(body.refresh_token, requestContextOf(ctx));
      } else {
        const header = ctx.get('Authorization');
        const token = bearerTokenOf(header);
        if (token === null)
          throw unauthorized('Send a refresh token or a bearer access token.', header !== '');
        const identified = await u.authenticate.identify(token);
        if (identified === null) throw unauthorized('The access token is invalid or expired.', true);
        // An already revoked session logs out again without complaint.
        if (!identified.revoked) await u.logOut.withAccessToken(identified.principal, requestContextOf(ctx));
      }
      ctx.status = 204;
    },
  }),
  defineRoute({
    method: 'post',
    path: '/auth/logout-all',
    access: 'user',
    operationId: 'logOutEverywhere',
    summary: 'Log out every session of the user',
    tag: 'Authentication',
    responses: noContent('Every session of the user is revoked.'),
    handler: statusAfter(204, ({ principal }, context) => u.logOut.everywhere(principal, context)),
  }),
  currentUserRoute(u, {
    path: '/auth/me',
    operationId: 'getCurrentUserAlias',
    summary: 'The signed-in user (alias of GET /users/me)',
    tag: 'Authentication',
  }),
];
