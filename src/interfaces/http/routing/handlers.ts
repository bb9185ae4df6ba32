import type { TokenPair } from '../../../application/auth/token-pair.js';
import type { Page, PageRequest } from '../../../application/pagination.js';
import type { RequestContext } from '../../../application/request-context.js';
import { pageRequestOf, presentPage } from '../cursor.js';
import { presentTokens } from '../presenters.js';
import { requestContextOf } from '../request-context.js';
import type { RouteContext } from './route.js';

/*
 * Handlers that many declarations share (routing/route.ts): the use case gets the parsed input and,
 * where it records something, the request's context for the audit trail.
 */

/** A command whose answer is only its status: 204, or 202 for work that goes on after the answer. */
export const statusAfter =
  <I>(status: 202 | 204, run: (input: I, context: RequestContext) => Promise<unknown>) =>
  async (ctx: RouteContext, input: I): Promise<void> => {
    await run(input, requestContextOf(ctx));
    ctx.status = status;
  };

/** A use case whose result is the answer, in its wire shape. */
export const presenting =
  <I, T>(present: (result: T) => unknown, run: (input: I, context: RequestContext) => Promise<T>) =>
  async (ctx: RouteContext, input: I): Promise<void> => {
    ctx.body = present(await run(input, requestContextOf(ctx)));
  };

/** A `{limit, cursor}` list: one page of what `list` reads, each item in its wire shape. */
export const paged =
  <I extends { readonly query: { limit: number; cursor?: string | undefined } }, T>(
    list: (input: I, page: PageRequest) => Promise<Page<T>>,
    present: (item: T) => unknown,
  ) =>
  async (ctx: RouteContext, input: I): Promise<void> => {
    ctx.body = presentPage(await list(input, pageRequestOf(input.query)), present);
  };

/** RFC 6749 §5.1: a token response must not be cached, by HTTP/1.0 caches either (`Pragma`). */
export const sendTokens = (ctx: RouteContext, pair: TokenPair): void => {
  ctx.set('Cache-Control', 'no-store');
  ctx.set('Pragma', 'no-cache');
  ctx.body = presentTokens(pair);
};

/** A trusted client's device token from an earlier login (OWASP device cookies). */
export const deviceTokenOf = (ctx: RouteContext): string | null => ctx.get('X-Device-Token') || null;
