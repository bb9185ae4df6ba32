import Router, { type RouterContext } from '@koa/router';
import type { DependencyContainer } from 'tsyringe';
import { Authenticate } from '../../../application/auth/authenticate.use-case.js';
import type { Principal } from '../../../application/auth/authenticate.use-case.js';
import { LoginHistory } from '../../../application/admin/login-history.use-case.js';
import { UserSessions } from '../../../application/sessions/user-sessions.use-case.js';
import { ChangePassword } from '../../../application/users/change-password.use-case.js';
import { GetCurrentUser } from '../../../application/users/get-current-user.use-case.js';
import { UpdateProfile } from '../../../application/users/update-profile.use-case.js';
import { encodeCursor, decodeCursor } from '../cursor.js';
import { EXACT_PATHS, type HttpState } from '../http-state.js';
import { requireAuth } from '../middleware/auth-guard.js';
import { accepts } from '../middleware/body.js';
import { presentAttempt, presentSession, presentUser, presentUserInfo } from '../presenters.js';
import { unauthorized } from '../problem.js';
import { requestContextOf } from '../request-context.js';
import { pageQuery, uuidParam } from '../schemas/common.js';
import { passwordChangeBody, profileBody } from '../schemas/user.schemas.js';
import { parseInput } from '../validation.js';
import { HttpProblem } from '../problem.js';

const principalOf = (state: HttpState): Principal => {
  if (state.principal === undefined) throw unauthorized('Authentication required.', false);
  return state.principal;
};

/** The signed-in user's own resources. */
export function meRoutes(container: DependencyContainer): Router<HttpState> {
  const router = new Router<HttpState>(EXACT_PATHS);
  const currentUser = container.resolve(GetCurrentUser);
  const updateProfile = container.resolve(UpdateProfile);
  const changePassword = container.resolve(ChangePassword);
  const sessions = container.resolve(UserSessions);
  const history = container.resolve(LoginHistory);
  const user = requireAuth(container.resolve(Authenticate));

  router.get('/users/me', user, async (ctx) => {
    ctx.body = presentUser(await currentUser.execute(principalOf(ctx.state)));
  });

  router.get('/userinfo', user, async (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = presentUserInfo(await currentUser.execute(principalOf(ctx.state)));
  });

  const update = async (ctx: RouterContext<HttpState>): Promise<void> => {
    const changes = parseInput(profileBody, ctx.request.body);
    const { user } = await updateProfile.execute(principalOf(ctx.state), changes, requestContextOf(ctx));
    ctx.body = presentUser(user);
  };
  router.put('/users/me', user, accepts('json'), update);
  router.patch('/users/me', user, accepts('json'), update);

  router.post('/users/me/password', user, accepts('json'), async (ctx) => {
    const input = parseInput(passwordChangeBody, ctx.request.body);
    await changePassword.execute(principalOf(ctx.state), input, requestContextOf(ctx));
    ctx.status = 204;
  });

  router.get('/users/me/sessions', user, async (ctx) => {
    const { limit, cursor } = parseInput(pageQuery, ctx.query);
    const page = await sessions.list(principalOf(ctx.state), { limit, after: decodeCursor(cursor) });
    ctx.body = { items: page.items.map(presentSession), next_cursor: encodeCursor(page.nextAfter) };
  });

  router.delete('/users/me/sessions/:id', user, async (ctx) => {
    const id = uuidParam.safeParse(ctx.params.id);
    if (!id.success) throw new HttpProblem(404, 'Not found', 'No such session.');
    await sessions.revoke(principalOf(ctx.state), id.data, requestContextOf(ctx));
    ctx.status = 204;
  });

  router.get('/users/me/login-history', user, async (ctx) => {
    const { limit, cursor } = parseInput(pageQuery, ctx.query);
    const page = await history.ofUser(principalOf(ctx.state).userId, { limit, after: decodeCursor(cursor) });
    ctx.body = { items: page.items.map(presentAttempt), next_cursor: encodeCursor(page.nextAfter) };
  });

  return router;
}
