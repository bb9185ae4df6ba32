import Router from '@koa/router';
import type { Middleware } from 'koa';
import type { Authenticate } from '../../../application/auth/authenticate.use-case.js';
import { EXACT_PATHS, type HttpState } from '../http-state.js';
import { requireAuth, requireRole, requireSecondFactor } from '../middleware/auth-guard.js';
import { accepts, type MediaType } from '../middleware/body.js';
import { oauthErrors } from '../middleware/oauth-errors.js';
import { HttpProblem } from '../problem.js';
import { parseInput } from '../validation.js';
import { koaPathOf, type Access, type Route, type RouteContext } from './route.js';

export interface Guards {
  readonly authenticate: Authenticate;
  /** Refuses cross-site browser posts (CORS_ORIGINS). */
  readonly crossSite: Middleware<HttpState>;
  /** Who may scrape /metrics on this listener. */
  readonly metricsScraper: Middleware<HttpState>;
  /** MFA_REQUIRED_FOR_ADMINS: admin routes refuse tokens without `otp` in `amr`. */
  readonly secondFactorForAdmins?: boolean;
}

const guardsOf = (access: Access, guards: Guards, path: string): Middleware<HttpState>[] => {
  switch (access) {
    case 'anyone':
    case 'token-or-body':
      return [];
    case 'user':
      return [requireAuth(guards.authenticate)];
    case 'admin':
      return [
        requireAuth(guards.authenticate),
        requireRole('admin', guards.authenticate, path),
        ...(guards.secondFactorForAdmins === true ? [requireSecondFactor()] : []),
      ];
    case 'metrics-scraper':
      return [guards.metricsScraper];
  }
};

const mediaTypesOf = (route: Route): MediaType[] =>
  (Object.keys(route.request ?? {}) as (keyof NonNullable<Route['request']>)[]).filter(
    (key): key is MediaType => (key === 'json' || key === 'form') && route.request?.[key] !== undefined,
  );

/** A path parameter that does not parse (a malformed id) names no resource: 404, as an unknown one. */
const paramsOf = (route: Route, ctx: RouteContext): Record<string, unknown> | undefined => {
  const schema = route.request?.path;
  if (schema === undefined) return undefined;
  const parsed = schema.safeParse(ctx.params);
  if (!parsed.success) throw new HttpProblem(404, 'Not found', 'No such resource.');
  return parsed.data;
};

const bodyOf = (route: Route, ctx: RouteContext): unknown => {
  const { json, form, rawBody } = route.request ?? {};
  if (rawBody === true) return ctx.request.body;
  const schema =
    form !== undefined && ctx.is('application/x-www-form-urlencoded') !== false ? form : (json ?? form);
  return schema === undefined ? undefined : parseInput(schema, ctx.request.body);
};

/** Registers every route on one case-sensitive, exact router, each behind the guards its access names. */
export function mountRoutes(routes: readonly Route[], guards: Guards): Router<HttpState> {
  const router = new Router<HttpState>(EXACT_PATHS);
  const seen = new Set<string>();
  for (const route of routes) {
    const key = `${route.method} ${route.path}`;
    if (seen.has(key)) throw new Error(`route declared twice: ${key}`);
    seen.add(key);
    const types = mediaTypesOf(route);
    const middleware: Middleware<HttpState>[] = [
      // First of all: a refused cross-site post must not reach anything that counts or hashes.
      ...(route.sameSiteOnly === true ? [guards.crossSite] : []),
      ...(route.errors === 'oauth' ? [oauthErrors()] : []),
      ...guardsOf(route.access, guards, route.path),
      ...(types.length > 0 ? [accepts(...types)] : []),
    ];
    router[route.method](koaPathOf(route.path), ...middleware, async (ctx: RouteContext) => {
      const params = paramsOf(route, ctx);
      const schema = route.request?.query;
      const query = schema === undefined ? undefined : parseInput(schema, ctx.query);
      const body = bodyOf(route, ctx);
      await route.handler(ctx, { body, query, params, principal: ctx.state.principal });
    });
  }
  return router;
}
