import cors from '@koa/cors';
import type Koa from 'koa';
import type { HttpState } from '../http-state.js';
import { HttpProblem } from '../problem.js';

/**
 * Refuses browser form posts from other sites, declared on the routes that check passwords
 * (`/auth/login`, `/auth/token`). A page elsewhere can make a victim's browser post guesses from
 * the victim's own address and lock them out; it runs before anything is counted or hashed.
 * `Sec-Fetch-Site` and `Origin` are set by browsers and cannot be forged by a page's script;
 * clients that are not browsers send neither (or `none`) and pass.
 */
export function refuseCrossSite(allowedOrigins: ReadonlySet<string>): Koa.Middleware<HttpState> {
  return async (ctx, next) => {
    const site = ctx.get('Sec-Fetch-Site').toLowerCase();
    const origin = ctx.get('Origin');
    const listed = allowedOrigins.has(origin);
    // `Origin: null` (sandboxed frames, data: pages) is never our own origin nor a listed one.
    // Our own origin from the Host header (what the browser connected to); Koa 3's `ctx.origin`
    // would echo the request's Origin header instead.
    const own = `${ctx.protocol}://${ctx.host}`;
    const foreignOrigin = origin !== '' && origin !== own && site !== 'same-origin' && !listed;
    if ((site === 'cross-site' && !listed) || foreignOrigin) {
      throw new HttpProblem(
        403,
        'Cross-site request refused',
        'This endpoint does not accept requests from another site; call it from an allowed origin.',
        { extensions: { error: 'cross_site_request' } },
      );
    }
    await next();
  };
}

/**
 * CORS for exactly the configured origins: the request's `Origin` is echoed only when it is one of
 * them, never `*`, and no credentials are allowed (the API takes bearer tokens, not cookies).
 */
export function corsFor(allowedOrigins: ReadonlySet<string>): Koa.Middleware<HttpState> {
  return cors({
    origin: (ctx) => {
      const origin = ctx.get('Origin');
      return allowedOrigins.has(origin) ? origin : '';
    },
    credentials: false,
    allowMethods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowHeaders: ['Authorization', 'Content-Type', 'X-Request-Id', 'X-Device-Token'],
    exposeHeaders: ['X-Request-Id', 'Retry-After', 'WWW-Authenticate', 'Location'],
    maxAge: 600,
  });
}
