import { isRegistered } from '../../domain/user/user.decider.js';
import { inject, injectable } from 'tsyringe';
import { EMAIL_VERIFICATION_TOKEN } from '../../domain/user/account-recovery.events.js';
import { DomainError } from '../../domain/shared/domain-error.js';
import { RetryLaterError } from '../../domain/shared/retry-later-error.js';
import { userStreamId } from '../../domain/user/user.events.js';
import { userDecider } from '../../domain/user/user.decider.js';
import type { UserCommand } from '../../domain/user/user.commands.js';
import type { Principal } from '../auth/authenticate.use-case.js';
import { CommandHandler } from '../command-handler.js';
import { CLOCK, type Clock } from '../ports/clock.port.js';
import { MAIL_SETTINGS, type MailSettings } from '../ports/mail-transport.port.js';
import { RATE_LIMITER, type RateLimiter } from '../ports/rate-limiter.port.js';
import { metadataOf, type RequestContext } from '../request-context.js';
import { profileOf, type UserProfile } from '../user-profile.js';
import { MailedTokens } from './mailed-tokens.js';

const invalidToken = (): DomainError =>
  new DomainError('invalid_token', 'The token is unknown, expired, used or superseded.');

/** Verification at registration, on every email change, on request, and its proof. */
@injectable()
export class EmailVerification {
  constructor(
    @inject(CommandHandler) private readonly commands: CommandHandler,
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
    const budget = await this.limiter.consume('mail', `account:${principal.userId}`);
    if (!budget.allowed) {
      throw new RetryLaterError(
        'rate_limited',
        'Too many verification mails; try again later.',
        budget.retryAfterSeconds,
      );
    }
    await this.commands.handle(userStreamId(principal.userId), userDecider, this.request(principal.userId), {
      metadata: metadataOf({ ...ctx, actorId: principal.userId }),
      now: this.clock.now(),
    });
  }

  /** `POST /auth/email/verify`: the token proves the address it was sent to, if still current. */
  async verify(token: string, ctx: RequestContext): Promise<UserProfile> {
    const presented = this.tokens.parse(token);
    if (presented === null) throw invalidToken();
    const now = this.clock.now();
    const { state } = await this.commands.handle(
      userStreamId(presented.userId),
      userDecider,
      (current): UserCommand | UserCommand[] =>
        !isRegistered(current) ? [] : { type: 'VerifyEmail', tokenDigest: presented.digest, now },
      { metadata: metadataOf({ ...ctx, actorId: presented.userId }), now },
    );
    if (!isRegistered(state)) throw invalidToken();
    return profileOf(state);
  }
}
