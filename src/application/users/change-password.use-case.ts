import { inject, injectable } from 'tsyringe';
import { parsePassword } from '../../domain/user/password-policy.js';
import { parseAll } from '../parse-all.js';
import { CLOCK, type Clock } from '../ports/clock.port.js';
import { PASSWORD_HASHER, type PasswordHasher } from '../ports/password-hasher.port.js';
import type { Principal } from '../auth/authenticate.use-case.js';
import { PasswordCheck } from '../auth/password-check.js';
import { metadataOf, type RequestContext } from '../request-context.js';
import { EndSessions } from '../sessions/end-sessions.js';
import { PasswordRules } from './password-rules.js';
import { UserRepository } from './user-repository.js';
import { wrongCurrentPassword } from '../../domain/shared/refusals.js';

@injectable()
export class ChangePassword {
  constructor(
    @inject(PASSWORD_HASHER) private readonly hasher: PasswordHasher,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(UserRepository) private readonly users: UserRepository,
    @inject(EndSessions) private readonly endSessions: EndSessions,
    @inject(PasswordCheck) private readonly passwords: PasswordCheck,
    @inject(PasswordRules) private readonly passwordRules: PasswordRules,
  ) {}

  /** Every other session is revoked: whoever else held this account's tokens is out. */
  async execute(
    principal: Principal,
    input: { currentPassword: string; newPassword: string },
    ctx: RequestContext,
  ): Promise<void> {
    const { newPassword } = parseAll({ newPassword: () => parsePassword(input.newPassword, 'new_password') });
    const user = await this.users.find(principal.userId);
    if (user === null) throw wrongCurrentPassword();
    // A stolen access token must not make this an unthrottled, unaudited guessing oracle.
    await this.passwords.verify(
      { identifier: user.email, user, deviceId: null },
      input.currentPassword,
      wrongCurrentPassword,
      { ...ctx, actorId: principal.userId },
      this.clock.now(),
    );
    await this.passwordRules.check(newPassword, user, 'new_password');
    const passwordHash = await this.hasher.hash(newPassword);
    const metadata = metadataOf({ ...ctx, actorId: principal.userId });
    await this.users.change(principal.userId, { type: 'ChangePassword', passwordHash }, metadata);
    await this.endSessions.endAllOf(principal.userId, 'password-change', metadata, principal.sessionId);
  }
}
