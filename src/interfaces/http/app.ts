import Koa from 'koa';
import Router from '@koa/router';
import type { Logger } from 'pino';
import type { DependencyContainer } from 'tsyringe';
import { clientAddress } from './client-address.js';
import { EXACT_PATHS, type HttpState } from './http-state.js';
import { accessLog, type RequestObserver } from './middleware/access-log.js';
import { bodies } from './middleware/body.js';
import { errors } from './middleware/errors.js';
import { requestId } from './middleware/request-id.js';
import { adminRoutes } from './routes/admin.routes.js';
import { authRoutes } from './routes/auth.routes.js';
import { discoveryRoutes, type DiscoveryOptions } from './routes/discovery.routes.js';
import { docsRoutes } from './routes/docs.routes.js';
import { healthRoutes, type ReadinessReport } from './routes/health.routes.js';
import { meRoutes } from './routes/me.routes.js';

export interface HttpAppOptions {
  readonly container: DependencyContainer;
  readonly logger: Logger;
  readonly trustProxyHops: number;
  readonly bodyLimit: string;
  readonly discovery: DiscoveryOptions;
  readonly readiness: () => Promise<ReadinessReport>;
  readonly observe?: RequestObserver;
  /** Extra routers (metrics, OpenAPI, docs) mounted after the API. */
  readonly extraRouters?: readonly Router<HttpState>[];
}

type MatchedLayers = { matched?: readonly { path: string | RegExp; methods: readonly string[] }[] };

/**
 * Labels each request with its route pattern (never the raw path, which holds ids). Read after the
 * routers ran: a `router.use` added here would run after the route's handlers, i.e. never for a
 * route that answers. The route is the last matched layer serving the method (a guard mounted with
 * `router.use(path)` matches too but serves none), so a request its guard refuses is labelled too.
 */
const labelRoute: Koa.Middleware<HttpState> = async (ctx, next) => {
  try {
    await next();
  } finally {
    const layers = (ctx as MatchedLayers).matched ?? [];
    ctx.state.route ??= layers.findLast((layer) => layer.methods.includes(ctx.method))?.path.toString();
  }
};

export function createHttpApp(options: HttpAppOptions): Koa<HttpState> {
  // Koa's `proxy` option would trust the leftmost X-Forwarded-For entry, which the client writes.
  const app = new Koa<HttpState>({ proxy: false });
  app.silent = true;
  app.use(async (ctx, next) => {
    ctx.state.clientIp = clientAddress(
      ctx.req.socket.remoteAddress,
      ctx.get('X-Forwarded-For'),
      options.trustProxyHops,
    );
    await next();
  });
  app.use(requestId(options.logger));
  app.use(accessLog(options.observe));
  app.use(errors());
  app.use(async (ctx, next) => {
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('Referrer-Policy', 'no-referrer');
    ctx.set('X-Frame-Options', 'DENY');
    await next();
    if (ctx.path.startsWith('/auth') || ctx.path.startsWith('/users') || ctx.path.startsWith('/admin')) {
      ctx.set('Cache-Control', 'no-store');
    }
  });
  app.use(bodies(options.bodyLimit));
  const container = options.container;
  const routers = [
    authRoutes(container),
    meRoutes(container),
    adminRoutes(container),
    discoveryRoutes(options.discovery),
    healthRoutes(options.readiness),
    docsRoutes(),
    ...(options.extraRouters ?? []),
  ];
  app.use(labelRoute);
  // Once, outside every router: it reads only `ctx.matched`, which all routers add to, and answers
  // 405 (or 501 for an unknown method) when a path matched but none of its routes answered.
  app.use(new Router<HttpState>(EXACT_PATHS).allowedMethods());
  for (const router of routers) app.use(router.routes());
  return app;
}
