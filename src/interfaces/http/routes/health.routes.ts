import Router from '@koa/router';
import { EXACT_PATHS, type HttpState } from '../http-state.js';

export interface ReadinessReport {
  readonly ready: boolean;
  readonly checks: Readonly<Record<string, { readonly ok: boolean; readonly detail?: string }>>;
}

export function healthRoutes(readiness: () => Promise<ReadinessReport>): Router<HttpState> {
  const router = new Router<HttpState>(EXACT_PATHS);
  router.get('/health/live', (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { status: 'ok' };
  });
  router.get('/health/ready', async (ctx) => {
    const report = await readiness();
    ctx.set('Cache-Control', 'no-store');
    ctx.status = report.ready ? 200 : 503;
    ctx.body = { status: report.ready ? 'ready' : 'not_ready', checks: report.checks };
  });
  return router;
}
