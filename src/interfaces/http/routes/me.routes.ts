import type { UseCases } from '../../../application/use-cases.js';
import { problem } from '../openapi/problems.js';
import {
  presentAttempt,
  presentExport,
  presentSession,
  presentUser,
  presentUserInfo,
} from '../presenters.js';
import { requestContextOf } from '../request-context.js';
import { paged, statusAfter } from '../routing/handlers.js';
import { noContent, ok } from '../routing/responses.js';
import { defineRoute, type Route } from '../routing/route.js';
import {
  accountExportResponse,
  loginAttemptPage,
  sessionPage,
  userInfoResponse,
  userResponse,
} from '../schemas/response.schemas.js';
import { pageQuery, sessionPath } from '../schemas/common.js';
import { accountDeletionBody, passwordChangeBody, profileBody } from '../schemas/user.schemas.js';

const deactivated = problem(403, 'The account is deactivated.');

/** Where the current password is checked, wrong ones are counted and locked out as a login's are. */
const currentPasswordChecked = {
  ...problem(401, 'Invalid access token, or wrong current password.'),
  ...problem(429, 'Too many wrong current passwords: locked like a login (Retry-After).'),
};

/** GET /users/me, and the alias auth.routes.ts declares: one answer under two names. */
export const currentUserRoute = (
  u: UseCases,
  names: Pick<Route, 'path' | 'operationId' | 'summary' | 'tag'>,
): Route =>
  defineRoute({
    method: 'get',
    ...names,
    access: 'user',
    responses: { ...ok('The signed-in user.', userResponse), ...deactivated },
    handler: async (ctx, { principal }) => {
      ctx.body = presentUser(await u.currentUser.execute(principal));
    },
  });

/** The signed-in user's own resources. */
export const meRoutes = (u: UseCases): Route[] => [
  currentUserRoute(u, {
    path: '/users/me',
    operationId: 'getCurrentUser',
    summary: 'The signed-in user',
    tag: 'Current user',
  }),
  defineRoute({
    method: 'get',
    path: '/userinfo',
    access: 'user',
    operationId: 'userInfo',
    summary: 'OpenID Connect UserInfo',
    tag: 'Current user',
    responses: { ...ok('Standard claims of the signed-in user.', userInfoResponse), ...deactivated },
    handler: async (ctx, { principal }) => {
      ctx.set('Cache-Control', 'no-store');
      ctx.body = presentUserInfo(await u.currentUser.execute(principal));
    },
  }),
  ...(['put', 'patch'] as const).map((method) =>
    defineRoute({
      method,
      path: '/users/me',
      access: 'user',
      operationId: method === 'put' ? 'replaceProfile' : 'updateProfile',
      summary: 'Change the profile',
      tag: 'Current user',
      description:
        'Changing `email` or `username` needs a session that proved the password within REAUTH_WINDOW (POST /auth/reauthenticate), or `current_password` in the body (checked and counted like a login). `full_name` alone needs neither.',
      request: { json: profileBody },
      responses: {
        ...ok('The updated user.', userResponse),
        ...problem(401, 'Invalid access token, or wrong `current_password`.'),
        ...problem(
          403,
          'The account is deactivated, or an email or username change without recent authentication (`"error": "reauthentication_required"`).',
          { extensions: { error: 'reauthentication_required' } },
        ),
        ...problem(409, 'The email or username is taken, or the profile changed at the same time.'),
        ...problem(429, 'Too many email or username changes from this address (Retry-After).'),
      },
      handler: async (ctx, { principal, body }) => {
        const { user } = await u.updateProfile.execute(principal, body, requestContextOf(ctx));
        ctx.body = presentUser(user);
      },
    }),
  ),
  defineRoute({
    method: 'post',
    path: '/users/me/password',
    access: 'user',
    operationId: 'changePassword',
    summary: 'Change the password',
    tag: 'Current user',
    request: { json: passwordChangeBody },
    responses: {
      ...noContent('Changed; every other session is revoked.'),
      ...currentPasswordChecked,
      ...problem(422, 'Invalid fields or a weak new password.'),
    },
    handler: statusAfter(204, ({ principal, body }, context) =>
      u.changePassword.execute(principal, body, context),
    ),
  }),
  defineRoute({
    method: 'get',
    path: '/users/me/export',
    access: 'user',
    operationId: 'exportAccount',
    summary: 'Everything held about the caller (GDPR art. 15 and 20)',
    description:
      'The user, every session, every login attempt and every event whose data names the user, read from the event log, as one JSON document. No password hash, token digest or other secret (the audit-chain hashes of the events are there, so the copy can be checked against the log).',
    tag: 'Current user',
    responses: ok('The export.', accountExportResponse),
    handler: async (ctx, { principal }) => {
      ctx.body = presentExport(await u.accountRecords.export(principal));
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/users/me',
    access: 'user',
    operationId: 'deleteAccount',
    summary: 'Erase the account (GDPR art. 17)',
    description:
      "Crypto-shredding: the account's data key is destroyed, so every personal field of its events reads as null; every session ends, the email and username can be registered again. The events, their times, outcomes and hashes stay, and `verify-log` still passes.",
    tag: 'Current user',
    request: { json: accountDeletionBody },
    responses: { ...noContent('Erased.'), ...currentPasswordChecked },
    handler: statusAfter(204, ({ principal, body }, context) =>
      u.eraseUser.eraseSelf(principal, body.currentPassword, context),
    ),
  }),
  defineRoute({
    method: 'get',
    path: '/users/me/sessions',
    access: 'user',
    operationId: 'listSessions',
    summary: "The user's sessions",
    tag: 'Current user',
    request: { query: pageQuery },
    responses: ok('A page of sessions.', sessionPage),
    handler: paged(({ principal }, page) => u.sessions.list(principal, page), presentSession),
  }),
  defineRoute({
    method: 'delete',
    path: '/users/me/sessions/{id}',
    access: 'user',
    operationId: 'revokeSession',
    summary: 'End one of the sessions',
    tag: 'Current user',
    request: { path: sessionPath },
    responses: {
      ...noContent('The session is revoked.'),
      ...problem(404, "Not one of the user's sessions."),
    },
    handler: statusAfter(204, ({ principal, params }, context) =>
      u.sessions.revoke(principal, params.id, context),
    ),
  }),
  defineRoute({
    method: 'get',
    path: '/users/me/login-history',
    access: 'user',
    operationId: 'loginHistory',
    summary: "The user's login attempts, newest first",
    tag: 'Current user',
    request: { query: pageQuery },
    responses: ok('A page of login attempts.', loginAttemptPage),
    handler: paged(({ principal }, page) => u.loginHistory.ofUser(principal.userId, page), presentAttempt),
  }),
];
