import type { Server } from 'node:http';
import Koa from 'koa';
import type { Runtime } from '../../infrastructure/runtime/runtime.js';
import { createHttpApp } from './app.js';
import type { HttpState } from './http-state.js';
import { errors } from './middleware/errors.js';
import { requireMetricsToken } from './middleware/metrics-guard.js';
import { mountRoutes } from './routing/mount.js';
import { metricsRoutes } from './routes/metrics.routes.js';

/** The HTTP app over a booted runtime: the same assembly for `main` and for the tests. */
export function createServerApp(runtime: Runtime): Koa<HttpState> {
  const { config, logger } = runtime;
  const { keyRing } = runtime.wiring;
  return createHttpApp({
    useCases: runtime.useCases,
    logger,
    trustProxyHops: config.trustProxyHops,
    bodyLimit: config.bodyLimit,
    requestDeadlineMs: config.requestDeadlineSeconds * 1000,
    corsOrigins: config.corsOrigins,
    metricsScraper: requireMetricsToken(config.metricsToken),
    discovery: {
      issuer: config.issuer,
      publicJwks: () => keyRing.publicJwks(),
      signingAlgorithm: () => keyRing.algorithm,
    },
    readiness: () => runtime.readiness(),
    observe: runtime.metrics.observeRequest,
    extraRoutes: metricsRoutes(runtime.metrics.registry),
    mfaRequiredForAdmins: config.mfaRequiredForAdmins,
  });
}

/**
 * The METRICS_PORT listener: `/metrics` without a token and nothing else, so the scraper's port
 * can be opened to the monitoring network without exposing the API there, and vice versa.
 */
export function createMetricsApp(runtime: Runtime): Koa<HttpState> {
  const app = new Koa<HttpState>();
  app.silent = true;
  app.use(errors());
  const open: Koa.Middleware<HttpState> = (_ctx, next) => next();
  const router = mountRoutes(metricsRoutes(runtime.metrics.registry), {
    authenticate: runtime.useCases.authenticate,
    crossSite: open,
    metricsScraper: open,
  });
  app.use(router.routes());
  return app;
}

export async function listen(app: Pick<Koa, 'listen'>, port: number, host: string): Promise<Server> {
  const server = app.listen(port, host);
  server.requestTimeout = 30_000;
  server.headersTimeout = 15_000;
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  return server;
}

/** Stops accepting, lets in-flight requests finish (bounded), then resolves. */
export function closeServer(server: Server, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      server.closeAllConnections();
      resolve();
    }, timeoutMs).unref();
    server.close(() => {
      clearTimeout(timer);
      resolve();
    });
    server.closeIdleConnections();
  });
}
