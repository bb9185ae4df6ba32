import { randomUUID } from 'node:crypto';
import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import type { HttpState } from '../http-state.js';

const WELL_FORMED = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Echoes a well-formed incoming X-Request-Id (so traces join up), otherwise mints one.
 *
 * The request's child logger is made on first use only: with redaction configured, pino runs
 * every binding of a child through the redactor, which was the largest allocation of a
 * `GET /users/me` (issue 15: ~9 % of its bytes) even when nothing was logged at that level.
 */
export const requestId =
  (logger: Logger): Middleware<HttpState> =>
  async (ctx, next) => {
    const incoming = ctx.get('X-Request-Id');
    const id = WELL_FORMED.test(incoming) ? incoming : randomUUID();
    ctx.state.requestId = id;
    let child: Logger | undefined;
    Object.defineProperty(ctx.state, 'log', {
      get: (): Logger => (child ??= logger.child({ requestId: id })),
      enumerable: true,
      configurable: true,
    });
    ctx.set('X-Request-Id', id);
    await next();
  };
