import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import type { HttpState } from '../http-state.js';

export interface RequestObserver {
  (sample: { method: string; route: string; status: number; seconds: number }): void;
}

/** One line per request: method, route pattern, status, duration and the user when known. */
export const accessLog =
  (observe?: RequestObserver, logger?: Pick<Logger, 'isLevelEnabled'>): Middleware<HttpState> =>
  async (ctx, next) => {
    const started = process.hrtime.bigint();
    try {
      await next();
    } finally {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = ctx.state.route ?? 'unmatched';
      observe?.({ method: ctx.method, route, status: ctx.status, seconds });
      // Below `info` (LOG_LEVEL=warn in production) the request's logger is never made.
      if (logger?.isLevelEnabled('info') !== false)
        ctx.state.log.info(
          {
            method: ctx.method,
            route,
            status: ctx.status,
            durationMs: Math.round(seconds * 1e4) / 10,
            userId: ctx.state.principal?.userId,
            ip: ctx.state.clientIp,
          },
          'request',
        );
    }
  };
