import type { Middleware } from 'koa';
import type { Authenticate } from '../../../application/auth/authenticate.use-case.js';
import type { Role } from '../../../domain/user/role.js';
import type { HttpState } from '../http-state.js';
import { HttpProblem, unauthorized } from '../problem.js';
import { requestContextOf } from '../request-context.js';

const BEARER = /^Bearer[ ]+([A-Za-z0-9._~+/=-]+)[ ]*$/i;

export const bearerTokenOf = (header: string): string | null => BEARER.exec(header)?.[1] ?? null;

/** Requires a valid access token of a live session; 401 with a Bearer challenge otherwise. */
export const requireAuth =
  (authenticate: Authenticate): Middleware<HttpState> =>
  async (ctx, next) => {
    const header = ctx.get('Authorization');
    if (header === '') throw unauthorized('Authentication required.', false);
    // A refused token is audited (aggregated) and logged at warn level, never its contents.
    const principal = await authenticate.bearer(bearerTokenOf(header), requestContextOf(ctx));
    if (principal === null) throw unauthorized('The access token is invalid, expired or revoked.', true);
    ctx.state.principal = principal;
    await next();
  };

/**
 * MFA_REQUIRED_FOR_ADMINS: administration only for sessions that proved a second factor, so a
 * phished administrator password alone cannot administer (the admin enrolls under /users/me first).
 */
export const requireSecondFactor = (): Middleware<HttpState> => async (ctx, next) => {
  if (ctx.state.principal?.amr.includes('otp') !== true) {
    throw new HttpProblem(
      403,
      'Second factor required',
      'Administration needs a session that proved a second factor: enable MFA and log in with a code.',
      { extensions: { error: 'mfa_required' } },
    );
  }
  await next();
};

/** `path` is the route's declared template: what the audit names, never the raw request path. */
export const requireRole =
  (role: Role, authenticate: Authenticate, path: string): Middleware<HttpState> =>
  async (ctx, next) => {
    const { principal } = ctx.state;
    if (principal?.role !== role) {
      if (principal !== undefined) {
        const { userId, sessionId } = principal;
        await authenticate.denied({ userId, sessionId, method: ctx.method, path }, requestContextOf(ctx));
      }
      throw new HttpProblem(403, 'Forbidden', `This requires the ${role} role.`);
    }
    await next();
  };
