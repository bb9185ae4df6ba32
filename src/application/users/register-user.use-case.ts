import { isRegistered } from '../../domain/user/user.decider.js';
import { inject, injectable } from 'tsyringe';
import { EmailVerification } from '../recovery/verify-email.use-case.js';
import { DomainError } from '../../domain/shared/domain-error.js';
import { parseEmail } from '../../domain/user/email.js';
import { parseFullName } from '../../domain/user/full-name.js';
import { parsePassword } from '../../domain/user/password-policy.js';
import type { Role } from '../../domain/user/role.js';
import { parseUsername, usernameKey } from '../../domain/user/username.js';
import { parseAll } from '../parse-all.js';
import { spendBudget } from '../spend-budget.js';
import { ConcurrencyError } from '../ports/event-store.port.js';
import { ID_GENERATOR, type IdGenerator } from '../ports/id-generator.port.js';
import { PASSWORD_HASHER, type PasswordHasher } from '../ports/password-hasher.port.js';
import { addressKey } from '../../domain/shared/address-key.js';
import { RATE_LIMITER, type RateLimiter } from '../ports/rate-limiter.port.js';
import { metadataOf, type RequestContext } from '../request-context.js';
import { profileOf, type UserProfile } from '../user-profile.js';
import { IdentityClaims } from './identity-claims.js';
import { PasswordRules } from './password-rules.js';
import { UserRepository } from './user-repository.js';

export interface RegisterUserInput {
  readonly email: string;
  readonly password: string;
  readonly username?: string | null | undefined;
  readonly fullName?: string | null | undefined;
}

export interface Registered {
  readonly user: UserProfile;
  readonly position: number;
}

@injectable()
export class RegisterUser {
  constructor(
    @inject(UserRepository) private readonly users: UserRepository,
    @inject(PASSWORD_HASHER) private readonly hasher: PasswordHasher,
    @inject(ID_GENERATOR) private readonly ids: IdGenerator,
    @inject(RATE_LIMITER) private readonly rateLimiter: RateLimiter,
    @inject(IdentityClaims) private readonly claims: IdentityClaims,
    @inject(PasswordRules) private readonly passwordRules: PasswordRules,
    @inject(EmailVerification) private readonly verification: EmailVerification,
  ) {}

  /** `role` is only ever set by trusted callers (the first-administrator bootstrap), never by a body. */
  async execute(input: RegisterUserInput, ctx: RequestContext, role: Role = 'user'): Promise<Registered> {
    const fields = parseAll({
      email: () => parseEmail(input.email),
      password: () => parsePassword(input.password),
      username: () => (input.username == null ? null : parseUsername(input.username)),
      fullName: () => (input.fullName == null ? null : parseFullName(input.fullName)),
    });
    await this.passwordRules.check(fields.password, fields);
    if (ctx.ip !== null) await spendBudget(this.rateLimiter, 'register', addressKey(ctx.ip), 'registrations');
    // Hashing first keeps the window between claiming the email and appending the user short.
    const passwordHash = await this.hasher.hash(fields.password);
    const metadata = metadataOf(ctx);
    const userId = await this.claims.claim('email', fields.email, this.ids.uuid(), metadata, {
      adoptOrphan: true,
    });
    if (fields.username !== null) {
      await this.claims.claim('username', usernameKey(fields.username), userId, metadata);
    }
    try {
      const { state, appended } = await this.users.change(
        userId,
        // The verification mail is queued by the same append: no account without its mail.
        [{ type: 'RegisterUser', userId, role, passwordHash, ...fields }, this.verification.request(userId)],
        { ...metadata, actorId: ctx.actorId ?? userId },
        { retries: 0 },
      );
      if (!isRegistered(state) || appended === null) throw new Error('registration appended nothing');
      return { user: profileOf(state), position: appended.position };
    } catch (error) {
      // Another request adopted the same claim and registered first: the email is taken.
      if (error instanceof ConcurrencyError) {
        throw new DomainError('email_taken', 'An account with this email already exists.');
      }
      throw error;
    }
  }
}
