import Koa from 'koa';
import type { Logger } from 'pino';
import type { UseCases } from '../../application/use-cases.js';
import { clientAddress } from './client-address.js';
import type { HttpState } from './http-state.js';
import { accessLog, type RequestObserver } from './middleware/access-log.js';
import { bodies } from './middleware/body.js';
import { corsFor, refuseCrossSite } from './middleware/cross-site.js';
import { deadline } from './middleware/deadline.js';
import { errors } from './middleware/errors.js';
import { requestId } from './middleware/request-id.js';
import { buildOpenApiDocument } from './openapi/document.js';
import { adminRoutes } from './routes/admin.routes.js';
import { webhookRoutes } from './routes/webhooks.routes.js';
import { eventStreamRoutes } from './routes/event-stream.routes.js';
import { authRoutes } from './routes/auth.routes.js';
import { discoveryRoutes, type DiscoveryOptions } from './routes/discovery.routes.js';
import { docsRoutes } from './routes/docs.routes.js';
import { healthRoutes, type ReadinessReport } from './routes/health.routes.js';
import { meRoutes } from './routes/me.routes.js';
import { mfaRoutes } from './routes/mfa.routes.js';
import { recoveryRoutes } from './routes/recovery.routes.js';
import { mountRoutes } from './routing/mount.js';
import { pathOf, type Route } from './routing/route.js';

export interface HttpAppOptions {
  readonly useCases: UseCases;
  readonly logger: Logger;
  /** TRUST_PROXY: how many reverse proxies append to X-Forwarded-For in front of us. */
  readonly trustProxyHops: number;
  readonly bodyLimit: string;
  /** REQUEST_DEADLINE: a request still running after this answers 503. */
  readonly requestDeadlineMs: number;
  /** CORS_ORIGINS: the browser origins allowed to call the API and to post logins. */
  readonly corsOrigins: readonly string[];
  /** Who may scrape /metrics on this listener. */
  readonly metricsScraper: Koa.Middleware<HttpState>;
  readonly discovery: DiscoveryOptions;
  readonly readiness: () => Promise<ReadinessReport>;
  readonly observe?: RequestObserver;
  /** Extra routes (metrics) declared like every other and documented with them. */
  readonly extraRoutes?: readonly Route[];
  /** MFA_REQUIRED_FOR_ADMINS. */
  readonly mfaRequiredForAdmins?: boolean;
}

type MatchedLayers = { matched?: readonly { path: string | RegExp; methods: readonly string[] }[] };

/**
 * Labels each request with its route pattern (never the raw path, which holds ids). Read after the
 * router ran; the route is the last matched layer serving the method.
 */
const labelRoute: Koa.Middleware<HttpState> = async (ctx, next) => {
  try {
    await next();
  } finally {
    const layers = (ctx as MatchedLayers).matched ?? [];
    ctx.state.route ??= layers.findLast((layer) => layer.methods.includes(ctx.method))?.path.toString();
  }
};

/** Every route of the service, each declared once (path, schemas, responses, access, handler). */
export const routesOf = (options: HttpAppOptions): Route[] => {
  const served: Route[] = [
    ...authRoutes(options.useCases),
    ...meRoutes(options.useCases),
    ...adminRoutes(options.useCases),
    ...webhookRoutes(options.useCases),
    ...eventStreamRoutes(options.useCases),
    ...mfaRoutes(options.useCases),
    ...recoveryRoutes(options.useCases),
  ];
  // The discovery document names endpoints declared above, found once, at start-up.
  const declared = (operationId: string): string => pathOf(served, operationId);
  const routes: Route[] = [
    ...served,
    ...discoveryRoutes(options.discovery, declared),
    ...healthRoutes(options.readiness),
    ...(options.extraRoutes ?? []),
  ];
  // The document describes every route, its own included.
  routes.push(...docsRoutes(() => buildOpenApiDocument(routes)));
  return routes;
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
  app.use(accessLog(options.observe, options.logger));
  app.use(errors());
  app.use(deadline(options.requestDeadlineMs));
  app.use(async (ctx, next) => {
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('Referrer-Policy', 'no-referrer');
    ctx.set('X-Frame-Options', 'DENY');
    try {
      await next();
    } finally {
      // Nothing may be stored by a cache unless its route says how (discovery, docs, health do):
      // a profile, a token or a refusal is no-store whatever its path or spelling.
      if (!ctx.res.hasHeader('Cache-Control')) ctx.set('Cache-Control', 'no-store');
    }
  });
  const corsOrigins = new Set(options.corsOrigins);
  app.use(corsFor(corsOrigins));
  app.use(bodies(options.bodyLimit));
  app.use(labelRoute);
  const router = mountRoutes(routesOf(options), {
    authenticate: options.useCases.authenticate,
    crossSite: refuseCrossSite(corsOrigins),
    metricsScraper: options.metricsScraper,
    secondFactorForAdmins: options.mfaRequiredForAdmins === true,
  });
  // Answers 405 (or 501 for an unknown method) when a path matched but none of its routes answered.
  app.use(router.allowedMethods());
  app.use(router.routes());
  return app;
}
