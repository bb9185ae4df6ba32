import { inject, injectable } from 'tsyringe';
import { PASSWORD_RESET_TOKEN } from '../../domain/user/account-recovery.events.js';
import { parseEmail } from '../../domain/user/email.js';
import { unknownResetDecider, unknownResetStreamId } from '../../domain/user/unknown-address.js';
import { CommandHandler } from '../command-handler.js';
import { parseAll } from '../parse-all.js';
import { spendBudget } from '../spend-budget.js';
import { CLOCK, type Clock } from '../ports/clock.port.js';
import { MAIL_SETTINGS, type MailSettings } from '../ports/mail-transport.port.js';
import { RATE_LIMITER, type RateLimiter } from '../ports/rate-limiter.port.js';
import { metadataOf, type RequestContext } from '../request-context.js';
import { IdentityClaims } from '../users/identity-claims.js';
import { UserRepository } from '../users/user-repository.js';
import { MailedTokens } from './mailed-tokens.js';

/** Subject of the dummy token sealed for an unknown address (the same work, nothing kept). */
const NOBODY = '00000000-0000-4000-8000-000000000000';

/**
 * `POST /auth/password/forgot`. Registered or not, the caller sees the same answer after the same
 * work: two budget checks, a token issued and sealed, one append. Only the registered address's
 * append (`PasswordResetRequested`) puts a message into the outbox.
 */
@injectable()
export class ForgotPassword {
  constructor(
    @inject(CommandHandler) private readonly commands: CommandHandler,
    @inject(UserRepository) private readonly users: UserRepository,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(RATE_LIMITER) private readonly limiter: RateLimiter,
    @inject(IdentityClaims) private readonly claims: IdentityClaims,
    @inject(MailedTokens) private readonly tokens: MailedTokens,
    @inject(MAIL_SETTINGS) private readonly settings: MailSettings,
  ) {}

  async execute(input: { email: string }, ctx: RequestContext): Promise<void> {
    const { email } = parseAll({ email: () => parseEmail(input.email) });
    await spendBudget(this.limiter, 'mail', `address:${email}`, 'reset requests');
    const user = await this.claims.holder('email', email);
    // An unknown address spends a budget of its own name, so both refuse after the same count.
    await spendBudget(this.limiter, 'mail', `account:${user?.id ?? email}`, 'reset requests');
    const now = this.clock.now();
    const expiresAt = new Date(now.getTime() + this.settings.resetTtlSeconds * 1000);
    const issued = this.tokens.issue(PASSWORD_RESET_TOKEN, user?.id ?? NOBODY, expiresAt);
    const metadata = metadataOf(ctx);
    if (user === null) {
      await this.commands.handle(
        unknownResetStreamId(issued.requestId),
        unknownResetDecider,
        { requestId: issued.requestId },
        { metadata, now, retries: 0 },
      );
      return;
    }
    await this.users.change(
      user.id,
      { type: 'RequestPasswordReset', ...issued },
      { ...metadata, actorId: user.id },
      { now },
    );
  }
}
