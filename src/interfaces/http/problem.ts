import type { Context } from 'koa';

export interface FieldError {
  readonly field: string;
  readonly message: string;
}

/** An error that already knows its RFC 9457 problem document. */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly options: {
      readonly type?: string;
      readonly errors?: readonly FieldError[];
      readonly headers?: Readonly<Record<string, string>>;
      /** Extra members, e.g. OAuth's `error` on the token endpoint. */
      readonly extensions?: Readonly<Record<string, unknown>>;
    } = {},
  ) {
    super(detail);
    this.name = 'HttpProblem';
  }
}

const TYPE_BASE = 'https://auth.example/problems/';

export function sendProblem(ctx: Context, problem: HttpProblem): void {
  // Whatever caching the route had set for its answer, a refusal or failure is kept by no cache.
  ctx.set('Cache-Control', 'no-store');
  for (const [name, value] of Object.entries(problem.options.headers ?? {})) ctx.set(name, value);
  ctx.status = problem.status;
  ctx.type = 'application/problem+json';
  ctx.body = {
    type: problem.options.type ?? `${TYPE_BASE}${problem.title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`,
    title: problem.title,
    status: problem.status,
    detail: problem.detail,
    ...(problem.options.errors !== undefined ? { errors: problem.options.errors } : {}),
    ...problem.options.extensions,
  };
}

export const bearerChallenge = (tokenSent: boolean): Record<string, string> => ({
  'WWW-Authenticate': tokenSent ? 'Bearer error="invalid_token"' : 'Bearer',
});

export const unauthorized = (detail: string, tokenSent: boolean): HttpProblem =>
  new HttpProblem(401, 'Unauthorized', detail, { headers: bearerChallenge(tokenSent) });
