import { inject, injectable } from 'tsyringe';
import { DomainError } from '../../domain/shared/domain-error.js';
import { parsePassword } from '../../domain/user/password-policy.js';
import { userStreamId } from '../../domain/user/user.events.js';
import { userDecider } from '../../domain/user/user.decider.js';
import { CommandHandler } from '../command-handler.js';
import { parseAll } from '../parse-all.js';
import { CLOCK, type Clock } from '../ports/clock.port.js';
import { PASSWORD_HASHER, type PasswordHasher } from '../ports/password-hasher.port.js';
import type { Principal } from '../auth/authenticate.use-case.js';
import { PasswordCheck } from '../auth/password-check.js';
import { metadataOf, type RequestContext } from '../request-context.js';
import { EndSessions } from '../sessions/end-sessions.js';
import { PasswordRules } from './password-rules.js';
import { UserRepository } from './user-repository.js';

const wrongPassword = (): DomainError =>
  new DomainError('invalid_credentials', 'The current password is incorrect.');

@injectable()
export class ChangePassword {
  constructor(
    @inject(CommandHandler) private readonly commands: CommandHandler,
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
    if (user === null) throw wrongPassword();
    // A stolen access token must not make this an unthrottled, unaudited guessing oracle.
    await this.passwords.verify(
      { identifier: user.email, user, deviceId: null },
      input.currentPassword,
      wrongPassword,
      { ...ctx, actorId: principal.userId },
      this.clock.now(),
    );
    await this.passwordRules.check(newPassword, user, 'new_password');
    const passwordHash = await this.hasher.hash(newPassword);
    const metadata = metadataOf({ ...ctx, actorId: principal.userId });
    await this.commands.handle(
      userStreamId(principal.userId),
      userDecider,
      { type: 'ChangePassword', passwordHash },
      { metadata, now: this.clock.now() },
    );
    await this.endSessions.endAllOf(principal.userId, 'password-change', metadata, principal.sessionId);
  }
}
