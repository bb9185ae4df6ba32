import Router from '@koa/router';
import type { DependencyContainer } from 'tsyringe';
import { Authenticate } from '../../../application/auth/authenticate.use-case.js';
import { LogIn } from '../../../application/auth/log-in.use-case.js';
import type { TokenPair } from '../../../application/auth/token-pair.js';
import { LogOut } from '../../../application/sessions/log-out.use-case.js';
import { RefreshSession } from '../../../application/sessions/refresh-session.use-case.js';
import { RegisterUser } from '../../../application/users/register-user.use-case.js';
import { GetCurrentUser } from '../../../application/users/get-current-user.use-case.js';
import { toProblem } from '../error-mapping.js';
import { EXACT_PATHS, type HttpState } from '../http-state.js';
import { accepts } from '../middleware/body.js';
import { bearerTokenOf, requireAuth } from '../middleware/auth-guard.js';
import { presentTokens, presentUser } from '../presenters.js';
import { HttpProblem, unauthorized } from '../problem.js';
import { requestContextOf } from '../request-context.js';
import {
  formLoginBody,
  jsonLoginBody,
  logoutBody,
  refreshBody,
  registerBody,
  tokenGrant,
} from '../schemas/auth.schemas.js';
import { parseInput } from '../validation.js';

/** OAuth 2.0 (RFC 6749 §5.2) error codes ride along in the problem document on the token endpoint. */
const asOAuthError = async <T>(work: () => T | Promise<T>): Promise<T> => {
  try {
    return await work();
  } catch (error) {
    const problem = toProblem(error);
    if (problem === null) throw error;
    const code =
      problem.status === 422 ? 'invalid_request' : problem.status === 401 ? 'invalid_grant' : undefined;
    if (code === undefined) throw problem;
    throw new HttpProblem(problem.status === 422 ? 400 : problem.status, problem.title, problem.detail, {
      ...problem.options,
      extensions: { error: code, error_description: problem.detail },
    });
  }
};

const deviceTokenOf = (ctx: { get(name: string): string }): string | null =>
  ctx.get('X-Device-Token') || null;

export function authRoutes(container: DependencyContainer): Router<HttpState> {
  const router = new Router<HttpState>(EXACT_PATHS);
  const register = container.resolve(RegisterUser);
  const logIn = container.resolve(LogIn);
  const refresh = container.resolve(RefreshSession);
  const logOut = container.resolve(LogOut);
  const authenticate = container.resolve(Authenticate);
  const currentUser = container.resolve(GetCurrentUser);
  const auth = requireAuth(authenticate);

  const sendTokens = (
    ctx: { set(name: string, value: string): void; body: unknown },
    tokens: TokenPair,
  ): void => {
    ctx.set('Cache-Control', 'no-store');
    ctx.set('Pragma', 'no-cache');
    ctx.body = presentTokens(tokens);
  };

  router.post('/auth/register', accepts('json'), async (ctx) => {
    const input = parseInput(registerBody, ctx.request.body);
    const { user } = await register.execute(input, requestContextOf(ctx));
    ctx.status = 201;
    ctx.set('Location', '/users/me');
    ctx.body = presentUser(user);
  });

  router.post('/auth/login', accepts('json', 'form'), async (ctx) => {
    const input = parseInput(
      ctx.is('application/x-www-form-urlencoded') ? formLoginBody : jsonLoginBody,
      ctx.request.body,
    );
    sendTokens(
      ctx,
      await logIn.execute({ ...input, deviceToken: deviceTokenOf(ctx) }, requestContextOf(ctx)),
    );
  });

  router.post('/auth/token', accepts('form', 'json'), async (ctx) => {
    const { grant_type } = parseInput(tokenGrant, ctx.request.body);
    const context = requestContextOf(ctx);
    if (grant_type === 'password') {
      const input = parseInput(formLoginBody, ctx.request.body);
      const login = { ...input, deviceToken: deviceTokenOf(ctx) };
      sendTokens(ctx, await asOAuthError(() => logIn.execute(login, context)));
    } else if (grant_type === 'refresh_token') {
      const { refresh_token } = await asOAuthError(() => parseInput(refreshBody, ctx.request.body));
      sendTokens(ctx, await asOAuthError(() => refresh.execute(refresh_token, context)));
    } else {
      throw new HttpProblem(
        400,
        'Unsupported grant type',
        `The grant type "${grant_type.slice(0, 50)}" is not supported.`,
        {
          extensions: { error: 'unsupported_grant_type' },
        },
      );
    }
  });

  router.post('/auth/refresh', accepts('json'), async (ctx) => {
    const { refresh_token } = parseInput(refreshBody, ctx.request.body);
    sendTokens(ctx, await refresh.execute(refresh_token, requestContextOf(ctx)));
  });

  router.post('/auth/logout', accepts('json'), async (ctx) => {
    const { refresh_token } = parseInput(logoutBody, ctx.request.body);
    if (refresh_token !== undefined) {
      await logOut.withRefreshToken(refresh_token, requestContextOf(ctx));
    } else {
      const header = ctx.get('Authorization');
      const token = bearerTokenOf(header);
      if (token === null) throw unauthorized('Send a refresh token or a bearer access token.', header !== '');
      const identified = await authenticate.identify(token);
      if (identified === null) throw unauthorized('The access token is invalid or expired.', true);
      // An already revoked session logs out again without complaint.
      if (!identified.revoked) await logOut.withAccessToken(identified.principal, requestContextOf(ctx));
    }
    ctx.status = 204;
  });

  router.post('/auth/logout-all', auth, async (ctx) => {
    const { principal } = ctx.state;
    if (principal === undefined) throw unauthorized('Authentication required.', false);
    await logOut.everywhere(principal, requestContextOf(ctx));
    ctx.status = 204;
  });

  router.get('/auth/me', auth, async (ctx) => {
    if (ctx.state.principal === undefined) throw unauthorized('Authentication required.', false);
    ctx.body = presentUser(await currentUser.execute(ctx.state.principal));
  });

  return router;
}
