import Router from '@koa/router';
import { PassThrough } from 'node:stream';
import type { DependencyContainer } from 'tsyringe';
import { AdministerUsers } from '../../../application/admin/administer-users.use-case.js';
import { LoginHistory, loginAttemptFilter } from '../../../application/admin/login-history.use-case.js';
import { AuditCheckpoints } from '../../../application/audit/audit-checkpoints.use-case.js';
import { Authenticate } from '../../../application/auth/authenticate.use-case.js';
import { decodeCursor, encodeCursor } from '../cursor.js';
import { EXACT_PATHS, type HttpState } from '../http-state.js';
import { requireAuth, requireRole } from '../middleware/auth-guard.js';
import { accepts } from '../middleware/body.js';
import { presentAttempt, presentUser } from '../presenters.js';
import { HttpProblem } from '../problem.js';
import { requestContextOf } from '../request-context.js';
import { loginAttemptQuery, userSearchQuery } from '../schemas/admin.schemas.js';
import { pageQuery, uuidParam } from '../schemas/common.js';
import { roleBody } from '../schemas/user.schemas.js';
import { parseInput } from '../validation.js';

const userIdOf = (raw: string | undefined): string => {
  const parsed = uuidParam.safeParse(raw);
  if (!parsed.success) throw new HttpProblem(404, 'Not found', 'No such user.');
  return parsed.data;
};

export function adminRoutes(container: DependencyContainer): Router<HttpState> {
  const router = new Router<HttpState>({ prefix: '/admin', ...EXACT_PATHS });
  const admin = container.resolve(AdministerUsers);
  const history = container.resolve(LoginHistory);
  const checkpoints = container.resolve(AuditCheckpoints);
  // Declared on each route, never by path prefix: a prefix guard once let /ADMIN/... through.
  const admins = [requireAuth(container.resolve(Authenticate)), requireRole('admin')] as const;

  router.get('/users', ...admins, async (ctx) => {
    const { q, limit, cursor } = parseInput(userSearchQuery, ctx.query);
    const page = await admin.search(q, { limit, after: decodeCursor(cursor) });
    ctx.body = { items: page.items.map(presentUser), next_cursor: encodeCursor(page.nextAfter) };
  });

  router.get('/users/:id', ...admins, async (ctx) => {
    ctx.body = presentUser(await admin.get(userIdOf(ctx.params.id)));
  });

  router.post('/users/:id/deactivate', ...admins, async (ctx) => {
    ctx.body = presentUser(await admin.deactivate(userIdOf(ctx.params.id), requestContextOf(ctx)));
  });

  router.post('/users/:id/reactivate', ...admins, async (ctx) => {
    ctx.body = presentUser(await admin.reactivate(userIdOf(ctx.params.id), requestContextOf(ctx)));
  });

  router.put('/users/:id/role', ...admins, accepts('json'), async (ctx) => {
    const { role } = parseInput(roleBody, ctx.request.body);
    ctx.body = presentUser(await admin.changeRole(userIdOf(ctx.params.id), role, requestContextOf(ctx)));
  });

  router.delete('/users/:id/sessions', ...admins, async (ctx) => {
    await admin.revokeSessions(userIdOf(ctx.params.id), requestContextOf(ctx));
    ctx.status = 204;
  });

  router.get('/users/:id/events', ...admins, async (ctx) => {
    const { limit, cursor } = parseInput(pageQuery, ctx.query);
    const page = await admin.events(userIdOf(ctx.params.id), { limit, after: decodeCursor(cursor) });
    ctx.body = {
      items: page.items.map((e) => ({
        type: e.type,
        version: e.version,
        stream_version: e.streamVersion,
        position: e.position,
        occurred_at: e.occurredAt,
        data: e.data,
        hash: e.hash,
        prev_hash: e.prevHash,
      })),
      next_cursor: encodeCursor(page.nextAfter),
    };
  });

  router.get('/audit/checkpoints', ...admins, async (ctx) => {
    const { limit, cursor } = parseInput(pageQuery, ctx.query);
    const page = await checkpoints.list({ limit, after: decodeCursor(cursor) });
    ctx.body = {
      items: page.items.map((c) => ({
        position: c.position,
        hash: c.hash,
        created_at: c.createdAt,
        jws: c.jws,
      })),
      next_cursor: encodeCursor(page.nextAfter),
    };
  });

  router.get('/login-attempts', ...admins, async (ctx) => {
    const query = parseInput(loginAttemptQuery, ctx.query);
    const filter = loginAttemptFilter({
      userId: query.user_id,
      email: query.email,
      outcome: query.outcome,
      ip: query.ip,
      from: query.from,
      to: query.to,
    });
    if (ctx.accepts('application/json', 'application/x-ndjson') === 'application/x-ndjson') {
      // Streamed with backpressure: memory stays flat however large the match.
      const out = new PassThrough();
      ctx.type = 'application/x-ndjson';
      ctx.body = out;
      void (async () => {
        try {
          for await (const attempt of history.export(filter)) {
            if (!out.write(`${JSON.stringify(presentAttempt(attempt))}\n`)) {
              await new Promise((resolve) => out.once('drain', resolve));
            }
          }
          out.end();
        } catch (error) {
          ctx.state.log.error({ err: error }, 'login-attempt export failed');
          out.destroy(error instanceof Error ? error : new Error('export failed'));
        }
      })();
      return;
    }
    const page = await history.query(filter, { limit: query.limit, after: decodeCursor(query.cursor) });
    ctx.body = { items: page.items.map(presentAttempt), next_cursor: encodeCursor(page.nextAfter) };
  });

  return router;
}
