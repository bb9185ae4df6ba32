import type { RouterContext } from '@koa/router';
import type { z } from 'zod';
import type { ZodOpenApiResponsesObject } from 'zod-openapi';
import type { Principal } from '../../../application/auth/authenticate.use-case.js';
import type { HttpState } from '../http-state.js';

/**
 * One declaration per HTTP route: it registers the Koa route (routing/mount.ts), produces the
 * OpenAPI operation (openapi/document.ts) and feeds the route-walk security test. Who may call a
 * route is part of its declaration, so no route can exist without one.
 */

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

export type Tag =
  'Authentication' | 'Current user' | 'Administration' | 'Discovery' | 'Operations' | 'Documentation';

/**
 * `metrics-scraper`: the METRICS_TOKEN bearer on the public listener, nobody else (404).
 * `anyone`: no credentials. `token-or-body`: credentials in the body or a bearer token, checked by
 * the handler (logout). `user`: a valid access token of a live session. `admin`: `user` with the
 * admin role.
 */
export type Access = 'anyone' | 'token-or-body' | 'user' | 'admin' | 'metrics-scraper';
type Authenticated = 'user' | 'admin';

type Schema = z.ZodType | undefined;
type ObjectSchema = z.ZodObject | undefined;
type Out<S> = S extends z.ZodType ? z.output<S> : undefined;
/** The parsed body: the output of whichever media type's schema applied. */
type BodyOf<J, F> = J extends z.ZodType ? (F extends z.ZodType ? Out<J> | Out<F> : Out<J>) : Out<F>;

export interface RouteRequest<
  J extends Schema = Schema,
  F extends Schema = Schema,
  Q extends ObjectSchema = ObjectSchema,
  P extends ObjectSchema = ObjectSchema,
> {
  /** Body schemas by media type; their order here is the order in the document. */
  readonly json?: J;
  readonly form?: F;
  /** Defaults to true when a body schema is given. */
  readonly bodyRequired?: boolean;
  /** The handler parses the body itself (its errors have their own shape, as on /auth/token). */
  readonly rawBody?: boolean;
  readonly query?: Q;
  readonly path?: P;
}

export type RouteContext = RouterContext<HttpState>;

/** What the handler receives: parsed input, and the caller when the route requires one. */
export type RouteInput<B, Q, P, A extends Access> = {
  readonly body: B;
  readonly query: Q;
  readonly params: P;
} & (A extends Authenticated ? { readonly principal: Principal } : { readonly principal?: undefined });

export interface RouteSpec<
  J extends Schema = Schema,
  F extends Schema = Schema,
  Q extends ObjectSchema = ObjectSchema,
  P extends ObjectSchema = ObjectSchema,
  A extends Access = Access,
> {
  readonly method: HttpMethod;
  /** OpenAPI path template (`{id}`); the Koa pattern is derived from it. */
  readonly path: `/${string}`;
  readonly access: A;
  readonly operationId: string;
  readonly summary: string;
  readonly description?: string;
  readonly tag: Tag;
  /**
   * `oauth`: failures leave as RFC 6749 §5.2 JSON `{error, error_description}` instead of problem
   * documents (the OAuth endpoints, whose clients read that shape).
   */
  readonly errors?: 'oauth';
  /**
   * Refuse cross-site browser posts with 403 before anything else runs (the routes that check a
   * password: a page elsewhere must not spend a victim's guesses from the victim's own address).
   */
  readonly sameSiteOnly?: true;
  /** Left out of /openapi.json (the docs page's own static files). */
  readonly undocumented?: true;
  readonly request?: RouteRequest<J, F, Q, P>;
  /** Success and route-specific failures; guard and body problems are added from `access`/`request`. */
  readonly responses: ZodOpenApiResponsesObject;
  // A method signature (bivariant), so specs with concrete schemas are assignable to `Route`.
  handler(ctx: RouteContext, input: RouteInput<BodyOf<J, F>, Out<Q>, Out<P>, A>): unknown;
}

export type Route = RouteSpec;

/** Declares a route; the type parameters are inferred from the schemas and the access level. */
export const defineRoute = <
  J extends Schema = undefined,
  F extends Schema = undefined,
  Q extends ObjectSchema = undefined,
  P extends ObjectSchema = undefined,
  A extends Access = Access,
>(
  spec: RouteSpec<J, F, Q, P, A>,
): Route => spec;

/** Where the route of `operationId` is: other answers (discovery, the OpenAPI flows) name it. */
export const pathOf = (routes: readonly Route[], operationId: string): string => {
  const route = routes.find((candidate) => candidate.operationId === operationId);
  if (route === undefined) throw new Error(`No route is declared as ${operationId}.`);
  return route.path;
};

export const koaPathOf = (template: string): string => template.replace(/\{(\w+)\}/g, ':$1');
