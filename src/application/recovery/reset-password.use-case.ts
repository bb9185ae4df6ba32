import { inject, injectable } from 'tsyringe';
import { parsePassword } from '../../domain/user/password-policy.js';
import type { RegisteredUser } from '../../domain/user/user.decider.js';
import { parseAll } from '../parse-all.js';
import { CLOCK, type Clock } from '../ports/clock.port.js';
import { PASSWORD_HASHER, type PasswordHasher } from '../ports/password-hasher.port.js';
import { metadataOf, type RequestContext } from '../request-context.js';
import { EndSessions } from '../sessions/end-sessions.js';
import { PasswordRules } from '../users/password-rules.js';
import { UserRepository } from '../users/user-repository.js';
import { MailedTokens } from './mailed-tokens.js';
import { invalidToken } from '../../domain/shared/refusals.js';

/**
 * `POST /auth/password/reset`. The token names its user; the user's stream holds the one reset
 * digest that works (a newer request or any password change replaced it). Checked before bcrypt
 * runs, so a bogus token costs nothing, and again by the decider at the append.
 */
@injectable()
export class ResetPassword {
  constructor(
    @inject(CLOCK) private readonly clock: Clock,
    @inject(PASSWORD_HASHER) private readonly hasher: PasswordHasher,
    @inject(UserRepository) private readonly users: UserRepository,
    @inject(EndSessions) private readonly endSessions: EndSessions,
    @inject(PasswordRules) private readonly passwordRules: PasswordRules,
    @inject(MailedTokens) private readonly tokens: MailedTokens,
  ) {}

  async execute(input: { token: string; newPassword: string }, ctx: RequestContext): Promise<void> {
    const { newPassword } = parseAll({ newPassword: () => parsePassword(input.newPassword, 'new_password') });
    const presented = this.tokens.parse(input.token);
    const user = presented === null ? null : await this.users.find(presented.userId);
    if (presented === null || user === null || !this.usable(user, presented.digest)) throw invalidToken();
    await this.passwordRules.check(newPassword, user, 'new_password');
    const passwordHash = await this.hasher.hash(newPassword);
    const metadata = { ...metadataOf(ctx), actorId: user.id };
    const now = this.clock.now();
    // The new password and the cut-off of every session land together: no window where the old
    // sessions outlive the reset.
    // On a conflict the decider checks the token again on the fresh state (single use holds).
    await this.users.change(
      user.id,
      [
        { type: 'ResetPassword', tokenDigest: presented.digest, passwordHash, now },
        { type: 'EndAllSessions', reason: 'password-change', keep: null },
      ],
      metadata,
      { now },
    );
    // Each listed session's own LoggedOut revokes its access tokens on every instance at once.
    await this.endSessions.endAllOf(user.id, 'password-change', metadata);
  }

  private usable(user: RegisteredUser, digest: string): boolean {
    const pending = user.recovery.passwordReset;
    return (
      user.status === 'active' &&
      pending !== null &&
      pending.digest === digest &&
      pending.expiresAt.getTime() > this.clock.now().getTime()
    );
  }
}
