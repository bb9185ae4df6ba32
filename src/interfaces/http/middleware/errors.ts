import type { Middleware } from 'koa';
import { toProblem } from '../error-mapping.js';
import { HttpProblem, sendProblem } from '../problem.js';
import type { HttpState } from '../http-state.js';

/** Every failure leaves as problem+json; an unexpected one is logged and never echoed. */
export const errors = (): Middleware<HttpState> => async (ctx, next) => {
  try {
    await next();
    if (ctx.status === 404 && ctx.body === undefined) {
      sendProblem(ctx, new HttpProblem(404, 'Not found', `No route for ${ctx.method} ${ctx.path}.`));
    } else if ((ctx.status === 405 || ctx.status === 501) && ctx.body === undefined) {
      // The router says 501 for a method it does not know at all (TRACE, QUERY…). To a client
      // that is the same answer as for a known one (405 with the router's Allow header), and not
      // a server failure.
      sendProblem(
        ctx,
        new HttpProblem(
          405,
          'Method not allowed',
          `${ctx.method.slice(0, 20)} is not allowed on ${ctx.path}.`,
        ),
      );
    }
  } catch (error) {
    const problem = toProblem(error);
    if (problem !== null) {
      if (problem.status >= 500) ctx.state.log.warn({ err: error }, 'request failed: store unavailable');
      sendProblem(ctx, problem);
      return;
    }
    ctx.state.log.error({ err: error }, 'unhandled error');
    sendProblem(ctx, new HttpProblem(500, 'Internal server error', 'An unexpected error occurred.'));
  }
};
