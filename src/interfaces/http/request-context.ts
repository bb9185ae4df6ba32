import type { ParameterizedContext } from 'koa';
import type { RequestContext } from '../../application/request-context.js';
import type { HttpState } from './http-state.js';

export const requestContextOf = (ctx: ParameterizedContext<HttpState>): RequestContext => ({
  requestId: ctx.state.requestId,
  ip: ctx.state.clientIp,
  userAgent: ctx.get('User-Agent').slice(0, 512) || null,
  actorId: ctx.state.principal?.userId,
});
