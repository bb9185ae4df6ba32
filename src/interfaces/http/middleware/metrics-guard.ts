import { createHash, timingSafeEqual } from 'node:crypto';
import type Koa from 'koa';
import type { HttpState } from '../http-state.js';
import { HttpProblem } from '../problem.js';

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/**
 * The guard of `/metrics` on the public listener. Without a configured token nobody may scrape
 * here (use METRICS_PORT); with one, only `Authorization: Bearer <token>` may. Every refusal is the
 * same 404 an unknown path gets, so the endpoint does not even admit it exists. The token is
 * compared as SHA-256 digests with `timingSafeEqual`: equal lengths, and no early exit that would
 * leak how much of a guess was right.
 */
export function requireMetricsToken(token: string | undefined): Koa.Middleware<HttpState> {
  const expected = token === undefined ? null : digest(token);
  return async (ctx, next) => {
    // The scheme is case-insensitive (RFC 7235 §2.1); the token is not.
    const match = /^bearer +(\S+) *$/i.exec(ctx.get('Authorization'));
    const presented = match?.[1];
    if (expected === null || presented === undefined || !timingSafeEqual(digest(presented), expected)) {
      throw new HttpProblem(404, 'Not found', `No route for ${ctx.method} ${ctx.path}.`);
    }
    await next();
  };
}
