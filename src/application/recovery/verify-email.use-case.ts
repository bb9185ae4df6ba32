import { isRegistered } from '../../domain/user/user.decider.js';
import { inject, injectable } from 'tsyringe';
import { EMAIL_VERIFICATION_TOKEN } from '../../domain/user/account-recovery.events.js';
import type { UserCommand } from '../../domain/user/user.commands.js';
import type { Principal } from '../auth/authenticate.use-case.js';
import { CLOCK, type Clock } from '../ports/clock.port.js';
import { MAIL_SETTINGS, type MailSettings } from '../ports/mail-transport.port.js';
import { RATE_LIMITER, type RateLimiter } from '../ports/rate-limiter.port.js';
import { spendBudget } from '../spend-budget.js';
import { metadataOf, type RequestContext } from '../request-context.js';
import { profileOf, type UserProfile } from '../user-profile.js';
import { UserRepository } from '../users/user-repository.js';
import { MailedTokens } from './mailed-tokens.js';
import { invalidToken } from '../../domain/shared/refusals.js';

/** Verification at registration, on every email change, on request, and its proof. */
@injectable()
export class EmailVerification {
  constructor(
    @inject(UserRepository) private readonly users: UserRepository,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(RATE_LIMITER) private readonly limiter: RateLimiter,
    @inject(MailedTokens) private readonly tokens: MailedTokens,
    @inject(MAIL_SETTINGS) private readonly settings: MailSettings,
  ) {}

  /** The command that mails a new token; appended with the registration or the change itself. */
  request(userId: string): UserCommand {
    const expiresAt = new Date(this.clock.now().getTime() + this.settings.verificationTtlSeconds * 1000);
    return {
      type: 'RequestEmailVerification',
      ...this.tokens.issue(EMAIL_VERIFICATION_TOKEN, userId, expiresAt),
    };
  }

  /** `POST /users/me/email/verify`: a new token (the previous one stops working), rate limited. */
  async resend(principal: Principal, ctx: RequestContext): Promise<void> {
    await spendBudget(this.limiter, 'mail', `account:${principal.userId}`, 'verification mails');
    await this.users.change(
      principal.userId,
      this.request(principal.userId),
      metadataOf({ ...ctx, actorId: principal.userId }),
    );
  }

  /** `POST /auth/email/verify`: the token proves the address it was sent to, if still current. */
  async verify(token: string, ctx: RequestContext): Promise<UserProfile> {
    const presented = this.tokens.parse(token);
    if (presented === null) throw invalidToken();
    const now = this.clock.now();
    const { state } = await this.users.change(
      presented.userId,
      (current): UserCommand | UserCommand[] =>
        !isRegistered(current) ? [] : { type: 'VerifyEmail', tokenDigest: presented.digest, now },
      metadataOf({ ...ctx, actorId: presented.userId }),
      { now },
    );
    if (!isRegistered(state)) throw invalidToken();
    return profileOf(state);
  }
}
