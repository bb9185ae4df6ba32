import Router from '@koa/router';
import type { Registry } from 'prom-client';
import { EXACT_PATHS, type HttpState } from '../http-state.js';

/**
 * `GET /metrics` in the Prometheus text format. Internal: it needs no token, so keep it off the
 * public listener (block `/metrics` at the proxy or ingress) and let only the scraper reach it.
 * A scrape reads in-memory instruments plus one head-position query, so it stays cheap.
 */
export function metricsRoutes(registry: Registry): Router<HttpState> {
  const router = new Router<HttpState>(EXACT_PATHS);
  router.get('/metrics', async (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.type = registry.contentType;
    ctx.body = await registry.metrics();
  });
  return router;
}
