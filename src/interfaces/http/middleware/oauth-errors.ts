import type { Middleware } from 'koa';
import { toProblem } from '../error-mapping.js';
import type { HttpState } from '../http-state.js';
import type { HttpProblem } from '../problem.js';

/** An RFC 6749 §5.2 error code with the status it leaves with. */
export class OAuthError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description: string,
    /** Members beside `error` and `error_description` (the `mfa_token` of `mfa_required`). */
    readonly extra: Readonly<Record<string, unknown>> = {},
  ) {
    super(description);
    this.name = 'OAuthError';
  }
}

/**
 * RFC 6749 §5.2 / RFC 7009 §2.2.1: OAuth clients (openid-client, oauth4webapi, authlib) read a
 * plain `application/json` `{error, error_description}` and treat a 401 with a Bearer challenge as
 * a client-authentication failure, so wrong credentials and bad refresh tokens are 400
 * `invalid_grant` here, while `/auth/login` keeps its 401 problem for the tutorials' clients.
 */
const asOAuth = (problem: HttpProblem): OAuthError => {
  const { status, detail } = problem;
  const extensions = problem.options.extensions ?? {};
  if (extensions['error'] === 'mfa_required' && 'mfa_token' in extensions) {
    const { error: _error, ...extra } = extensions;
    return new OAuthError(403, 'mfa_required', detail, extra);
  }
  if (status === 401) return new OAuthError(400, 'invalid_grant', detail);
  if (status === 403) return new OAuthError(403, 'access_denied', detail);
  if (status === 429) return new OAuthError(429, 'invalid_request', detail);
  if (status >= 500) return new OAuthError(status, 'temporarily_unavailable', detail);
  const fields = (problem.options.errors ?? []).map((e) => `${e.field}: ${e.message}`).join('; ');
  return new OAuthError(400, 'invalid_request', fields === '' ? detail : `${detail} ${fields}`);
};

/** Mounted on the OAuth endpoints themselves; anything not a known refusal stays a 500 problem. */
export const oauthErrors = (): Middleware<HttpState> => async (ctx, next) => {
  try {
    await next();
  } catch (error) {
    let oauth: OAuthError;
    let retryAfter: string | undefined;
    if (error instanceof OAuthError) oauth = error;
    else {
      const problem = toProblem(error);
      if (problem === null) throw error;
      oauth = asOAuth(problem);
      retryAfter = problem.options.headers?.['Retry-After'];
    }
    ctx.status = oauth.status;
    ctx.type = 'application/json';
    ctx.set('Cache-Control', 'no-store');
    ctx.set('Pragma', 'no-cache');
    if (retryAfter !== undefined) ctx.set('Retry-After', retryAfter);
    ctx.body = { error: oauth.error, error_description: oauth.description, ...oauth.extra };
  }
};
