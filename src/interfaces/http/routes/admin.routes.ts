import { PassThrough } from 'node:stream';
import { loginAttemptFilter } from '../../../application/admin/login-history.use-case.js';
import type { UseCases } from '../../../application/use-cases.js';
import { pageRequestOf, presentPage } from '../cursor.js';
import { problem } from '../openapi/problems.js';
import { presentAttempt, presentSessionRecord, presentUser, presentUserEvent } from '../presenters.js';
import { paged, presenting, statusAfter } from '../routing/handlers.js';
import { JSON_TYPE, noContent, ok } from '../routing/responses.js';
import { defineRoute, type Route, type RouteContext } from '../routing/route.js';
import { asOfQuery, loginAttemptQuery, userSearchQuery } from '../schemas/admin.schemas.js';
import { pageQuery, userPath } from '../schemas/common.js';
import {
  auditCheckpointPage,
  loginAttemptPage,
  loginAttemptResponse,
  sessionRecordPage,
  userEventPage,
  userPage,
  userResponse,
} from '../schemas/response.schemas.js';
import { roleBody } from '../schemas/user.schemas.js';

/** Deactivating or demoting one's own account could leave nobody able to undo it. */
const NOT_YOURSELF = problem(409, 'An administrator cannot deactivate or demote their own account.');
const noSuchUser = problem(404, 'No such user.');
const erasedUser = problem(410, 'The user was erased.');
const NOT_YOURSELF_ERASE = problem(409, 'An administrator erases their own account with DELETE /users/me.');
const theUser = ok('The user.', userResponse);

/** Streams every match as NDJSON with backpressure: memory stays flat however large the match. */
const streamNdjson = <T>(ctx: RouteContext, items: AsyncIterable<T>, present: (item: T) => unknown): void => {
  const out = new PassThrough();
  ctx.type = 'application/x-ndjson';
  ctx.body = out;
  void (async () => {
    try {
      for await (const item of items) {
        if (!out.write(`${JSON.stringify(present(item))}\n`)) {
          await new Promise((resolve) => out.once('drain', resolve));
        }
      }
      out.end();
    } catch (error) {
      ctx.state.log.error({ err: error }, 'NDJSON export failed');
      out.destroy(error instanceof Error ? error : new Error('export failed'));
    }
  })();
};

export const adminRoutes = (u: UseCases): Route[] => [
  defineRoute({
    method: 'get',
    path: '/admin/users',
    access: 'admin',
    operationId: 'searchUsers',
    summary: 'Search users',
    tag: 'Administration',
    request: { query: userSearchQuery },
    responses: ok('A page of users.', userPage),
    handler: paged(({ query }, page) => u.administerUsers.search(query.q, page), presentUser),
  }),
  defineRoute({
    method: 'get',
    path: '/admin/users/{id}',
    access: 'admin',
    operationId: 'getUser',
    summary: 'One user',
    tag: 'Administration',
    description: 'With `as_of`, the user as it was at that instant, replayed from the event log.',
    request: { path: userPath, query: asOfQuery },
    responses: { ...theUser, ...problem(404, 'No such user (at that instant).'), ...erasedUser },
    handler: async (ctx, { params, query }) => {
      ctx.body = presentUser(
        query.as_of === undefined
          ? await u.administerUsers.get(params.id)
          : await u.accountRecords.userAsOf(params.id, query.as_of),
      );
    },
  }),
  defineRoute({
    method: 'get',
    path: '/admin/users/{id}/sessions',
    access: 'admin',
    operationId: 'userSessionsAsOf',
    summary: "The user's sessions that were active at an instant (default now)",
    description: 'Replayed from the event log up to `as_of`, not read from a read model.',
    tag: 'Administration',
    request: { path: userPath, query: asOfQuery },
    responses: { ...ok('The sessions active then, newest first.', sessionRecordPage), ...noSuchUser },
    handler: async (ctx, { params, query }) => {
      const sessions = await u.accountRecords.sessionsAsOf(params.id, query.as_of);
      ctx.body = { items: sessions.map(presentSessionRecord), next_cursor: null };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/admin/users/{id}/erase',
    access: 'admin',
    operationId: 'eraseUser',
    summary: 'Erase a user (GDPR art. 17)',
    description:
      "Crypto-shredding, as DELETE /users/me: the user's data key is destroyed, every session ends, the email and username are released. Idempotent.",
    tag: 'Administration',
    request: { path: userPath },
    responses: { ...noContent('Erased (also when it already was).'), ...noSuchUser, ...NOT_YOURSELF_ERASE },
    handler: statusAfter(204, ({ params }, context) => u.eraseUser.eraseByAdmin(params.id, context)),
  }),
  defineRoute({
    method: 'post',
    path: '/admin/users/{id}/deactivate',
    access: 'admin',
    operationId: 'deactivateUser',
    summary: 'Deactivate a user (revokes every session)',
    tag: 'Administration',
    request: { path: userPath },
    responses: { ...theUser, ...noSuchUser, ...NOT_YOURSELF },
    handler: presenting(presentUser, ({ params }, context) =>
      u.administerUsers.deactivate(params.id, context),
    ),
  }),
  defineRoute({
    method: 'post',
    path: '/admin/users/{id}/reactivate',
    access: 'admin',
    operationId: 'reactivateUser',
    summary: 'Reactivate a user',
    tag: 'Administration',
    request: { path: userPath },
    responses: { ...theUser, ...noSuchUser },
    handler: presenting(presentUser, ({ params }, context) =>
      u.administerUsers.reactivate(params.id, context),
    ),
  }),
  defineRoute({
    method: 'put',
    path: '/admin/users/{id}/role',
    access: 'admin',
    operationId: 'changeRole',
    summary: "Change a user's role",
    tag: 'Administration',
    request: { path: userPath, json: roleBody },
    responses: { ...theUser, ...noSuchUser, ...NOT_YOURSELF },
    handler: presenting(presentUser, ({ params, body }, context) =>
      u.administerUsers.changeRole(params.id, body.role, context),
    ),
  }),
  defineRoute({
    method: 'delete',
    path: '/admin/users/{id}/sessions',
    access: 'admin',
    operationId: 'revokeUserSessions',
    summary: 'Revoke every session of a user',
    tag: 'Administration',
    request: { path: userPath },
    responses: { ...noContent('Every session is revoked.'), ...noSuchUser },
    handler: statusAfter(204, ({ params }, context) => u.administerUsers.revokeSessions(params.id, context)),
  }),
  defineRoute({
    method: 'get',
    path: '/admin/users/{id}/events',
    access: 'admin',
    operationId: 'userEvents',
    summary: "The user's domain events (no secrets or hashes)",
    tag: 'Administration',
    request: { path: userPath, query: pageQuery },
    responses: { ...ok('A page of events, oldest first.', userEventPage), ...noSuchUser },
    handler: paged(({ params }, page) => u.administerUsers.events(params.id, page), presentUserEvent),
  }),
  defineRoute({
    method: 'get',
    path: '/admin/audit/checkpoints',
    access: 'admin',
    operationId: 'auditCheckpoints',
    summary: 'Signed audit checkpoints of the hash chain',
    description:
      'Copy them somewhere the store cannot be written from: `verify-log --checkpoint` proves the log up to one.',
    tag: 'Administration',
    request: { query: pageQuery },
    responses: ok('A page of checkpoints, newest first.', auditCheckpointPage),
    handler: paged(
      (_input, page) => u.auditCheckpoints.list(page),
      (c) => ({
        position: c.position,
        hash: c.hash,
        created_at: c.createdAt,
        jws: c.jws,
      }),
    ),
  }),
  defineRoute({
    method: 'get',
    path: '/admin/login-attempts',
    access: 'admin',
    operationId: 'searchLoginAttempts',
    summary: 'Search login attempts',
    description:
      'With `Accept: application/x-ndjson` the whole match is streamed, one login attempt per line.',
    tag: 'Administration',
    request: { query: loginAttemptQuery },
    responses: {
      '200': {
        description: 'A page of login attempts, or with NDJSON every match, one `LoginAttempt` per line.',
        content: {
          [JSON_TYPE]: { schema: loginAttemptPage },
          'application/x-ndjson': { schema: loginAttemptResponse },
        },
      },
    },
    handler: async (ctx, { query }) => {
      const filter = loginAttemptFilter({
        userId: query.user_id,
        email: query.email,
        outcome: query.outcome,
        ip: query.ip,
        from: query.from,
        to: query.to,
      });
      if (ctx.accepts('application/json', 'application/x-ndjson') === 'application/x-ndjson') {
        streamNdjson(ctx, u.loginHistory.export(filter), presentAttempt);
        return;
      }
      ctx.body = presentPage(await u.loginHistory.query(filter, pageRequestOf(query)), presentAttempt);
    },
  }),
];
