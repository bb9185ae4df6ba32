import type { ParameterizedContext } from 'koa';
import type { RequestContext } from '../../application/request-context.js';
import type { HttpState } from './http-state.js';

const clientIp = (raw: string): string | null => {
  if (raw === '') return null;
  return raw.startsWith('::ffff:') ? raw.slice(7) : raw;
};

/** Koa's `ctx.ip` honours X-Forwarded-For only when `app.proxy` (TRUST_PROXY) is on. */
export const requestContextOf = (ctx: ParameterizedContext<HttpState>): RequestContext => ({
  requestId: ctx.state.requestId,
  ip: clientIp(ctx.ip),
  userAgent: ctx.get('User-Agent').slice(0, 512) || null,
  actorId: ctx.state.principal?.userId,
});
