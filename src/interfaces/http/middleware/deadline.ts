import type { Middleware } from 'koa';
import type { HttpState } from '../http-state.js';
import { HttpProblem } from '../problem.js';

/**
 * REQUEST_DEADLINE: a request that has not finished after `deadlineMs` (a hung MongoDB, a pool
 * waiting on it) answers 503 with Retry-After at once instead of holding the client for the
 * driver's socket timeout. The work itself is not cancelled: it finishes or fails in the
 * background, its outcome logged and dropped, so a write may still take effect; 503 tells the
 * client exactly that (retry later, the outcome is unknown). Thrown inside `errors`, which turns
 * it into problem+json.
 */
export const deadline =
  (deadlineMs: number): Middleware<HttpState> =>
  async (ctx, next) => {
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<'expired'>((resolve) => {
      timer = setTimeout(() => resolve('expired'), deadlineMs);
    });
    const work = next();
    try {
      if ((await Promise.race([work, expired])) !== 'expired') return;
    } finally {
      clearTimeout(timer);
    }
    work.catch((error: unknown) =>
      ctx.state.log.warn({ err: error }, 'request failed after its deadline had answered 503'),
    );
    throw new HttpProblem(
      503,
      'Service unavailable',
      'The request did not complete in time; its outcome is unknown. Retry shortly.',
      { headers: { 'Retry-After': '1' } },
    );
  };
