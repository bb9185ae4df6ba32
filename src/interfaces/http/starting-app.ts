import Koa from 'koa';
import { HttpProblem, sendProblem } from './problem.js';

/**
 * What the port answers while the runtime boots (MongoDB may still be unreachable, the read models
 * may still be replaying): alive, not ready, and 503 problem+json for everything else. Orchestrators
 * see "not ready" instead of a refused connection or a crash loop.
 */
export function createStartingApp(): Koa {
  const app = new Koa();
  app.use((ctx) => {
    ctx.set('Cache-Control', 'no-store');
    if (ctx.method === 'GET' && ctx.path === '/health/live') {
      ctx.body = { status: 'ok' };
      return;
    }
    ctx.status = 503;
    ctx.set('Retry-After', '5');
    if (ctx.method === 'GET' && ctx.path === '/health/ready') {
      ctx.body = { status: 'starting', checks: { startup: { ok: false, detail: 'still starting' } } };
      return;
    }
    sendProblem(
      ctx,
      new HttpProblem(503, 'Service unavailable', 'The service is starting; try again shortly.'),
    );
  });
  return app;
}
