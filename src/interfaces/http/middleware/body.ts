import bodyParser from 'koa-bodyparser';
import type { Context, Middleware } from 'koa';
import { HttpProblem } from '../problem.js';
import type { HttpState } from '../http-state.js';

interface ParserError extends Error {
  status?: number;
  type?: string;
}

/**
 * JSON and form bodies up to `limit`. Too large is 413, unparseable is 400. Form fields use
 * koa-bodyparser's `qs`, so `a[b]=c` arrives as an object and fails schema validation (a string
 * was expected) rather than slipping an operator into a query.
 */
export const bodies = (limit: string): Middleware<HttpState> =>
  bodyParser({
    enableTypes: ['json', 'form'],
    jsonLimit: limit,
    formLimit: limit,
    strict: true,
    onerror: (error: ParserError, ctx: Context) => {
      if (error.status === 413 || error.type === 'entity.too.large') {
        throw new HttpProblem(413, 'Payload too large', `The body exceeds ${limit}.`);
      }
      if (error.status === 415 || error.type === 'encoding.unsupported') {
        throw new HttpProblem(415, 'Unsupported media type', 'The body encoding is not supported.');
      }
      throw new HttpProblem(
        400,
        'Malformed body',
        `The ${ctx.is('json') ? 'JSON' : 'form'} body could not be parsed.`,
      );
    },
  });

export type MediaType = 'json' | 'form';
const MIME: Record<MediaType, string> = {
  json: 'application/json',
  form: 'application/x-www-form-urlencoded',
};

const hasBody = (ctx: Context): boolean =>
  ctx.request.length > 0 ||
  ctx.get('Transfer-Encoding') !== '' ||
  (ctx.get('Content-Type') !== '' && ctx.request.length === undefined);

/** A route's accepted body types: anything else is 415, before the body is even looked at. */
export const accepts =
  (...types: MediaType[]): Middleware<HttpState> =>
  async (ctx, next) => {
    if (hasBody(ctx) && ctx.is(...types.map((t) => MIME[t])) === false) {
      throw new HttpProblem(415, 'Unsupported media type', `Send ${types.map((t) => MIME[t]).join(' or ')}.`);
    }
    await next();
  };
