import Router from '@koa/router';
import type Koa from 'koa';
import type { Registry } from 'prom-client';
import { EXACT_PATHS, type HttpState } from '../http-state.js';

export const METRICS_PATH = '/metrics';

/**
 * `GET /metrics` in the Prometheus text format. `guard` is who may scrape: on the public listener
 * `requireMetricsToken(METRICS_TOKEN)`; on the separate METRICS_PORT listener, which only the
 * scraper's network should reach, nothing. A scrape reads in-memory instruments plus one
 * head-position query, so it stays cheap.
 */
export function metricsRoutes(registry: Registry, guard: Koa.Middleware<HttpState>): Router<HttpState> {
  const router = new Router<HttpState>(EXACT_PATHS);
  router.get(METRICS_PATH, guard, async (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.type = registry.contentType;
    ctx.body = await registry.metrics();
  });
  return router;
}
