import { isRegistered } from '../../domain/user/user.decider.js';
import { inject, injectable } from 'tsyringe';
import { EmailVerification } from '../recovery/verify-email.use-case.js';
import { addressKey } from '../../domain/shared/address-key.js';
import { DomainError } from '../../domain/shared/domain-error.js';
import { parseEmail, type Email } from '../../domain/user/email.js';
import { parseFullName } from '../../domain/user/full-name.js';
import { parseUsername, usernameKey, type Username } from '../../domain/user/username.js';
import type { UserCommand } from '../../domain/user/user.commands.js';
import type { RegisteredUser } from '../../domain/user/user.decider.js';
import { parseAll } from '../parse-all.js';
import { spendBudget } from '../spend-budget.js';
import { CLOCK, type Clock } from '../ports/clock.port.js';
import { ConcurrencyError } from '../ports/event-store.port.js';
import { RATE_LIMITER, type RateLimiter } from '../ports/rate-limiter.port.js';
import type { Principal } from '../auth/authenticate.use-case.js';
import { PasswordCheck } from '../auth/password-check.js';
import { requireRecentAuthentication } from '../auth/recent-authentication.js';
import { AUTH_SETTINGS, type AuthSettings } from '../ports/auth-settings.port.js';
import { metadataOf, type RequestContext } from '../request-context.js';
import { profileOf, type UserProfile } from '../user-profile.js';
import { IdentityClaims } from './identity-claims.js';
import { UserRepository } from './user-repository.js';
import { wrongCurrentPassword } from '../../domain/shared/refusals.js';

export interface ProfileChanges {
  /** `undefined`: unchanged; `null` or "": cleared. */
  readonly fullName?: string | null | undefined;
  readonly email?: string | undefined;
  readonly username?: string | null | undefined;
  /** Lets an email or username change through without a recent authentication of the session. */
  readonly currentPassword?: string | undefined;
}

const conflict = (): DomainError =>
  new DomainError('conflict', 'The profile changed at the same time; please retry.');

@injectable()
export class UpdateProfile {
  constructor(
    @inject(UserRepository) private readonly users: UserRepository,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(IdentityClaims) private readonly claims: IdentityClaims,
    @inject(RATE_LIMITER) private readonly rateLimiter: RateLimiter,
    @inject(PasswordCheck) private readonly passwords: PasswordCheck,
    @inject(AUTH_SETTINGS) private readonly settings: AuthSettings,
    @inject(EmailVerification) private readonly verification: EmailVerification,
  ) {}

  /**
   * New email and username values are claimed first, then every change is appended in one commit
   * at the version read, and the old values are released last. A crash in between leaves at worst
   * a stale claim, which the claim rules treat as free.
   */
  async execute(
    principal: Principal,
    changes: ProfileChanges,
    ctx: RequestContext,
  ): Promise<{ user: UserProfile; position: number | null }> {
    const fields = parseAll({
      fullName: (): string | null | undefined =>
        changes.fullName === undefined
          ? undefined
          : changes.fullName === null
            ? null
            : parseFullName(changes.fullName),
      email: (): Email | undefined => (changes.email === undefined ? undefined : parseEmail(changes.email)),
      username: (): Username | null | undefined =>
        changes.username === undefined
          ? undefined
          : changes.username === null || changes.username.trim() === ''
            ? null
            : parseUsername(changes.username),
    });
    const userId = principal.userId;
    const metadata = metadataOf({ ...ctx, actorId: userId });
    const { state, version } = await this.users.load(userId);
    if (!isRegistered(state)) throw new DomainError('user_not_found', 'The user no longer exists.');

    const newEmail = fields.email !== undefined && fields.email !== state.email ? fields.email : undefined;
    const oldUsernameKey = state.username === null ? null : usernameKey(state.username as Username);
    const newUsernameKey = fields.username == null ? null : usernameKey(fields.username);
    const usernameChanges = fields.username !== undefined && newUsernameKey !== oldUsernameKey;
    // An identifier change can take the account over (a password reset to the new email): it
    // needs a recent password proof, before anything is claimed, counted or appended.
    if (newEmail !== undefined || usernameChanges)
      await this.requirePasswordProof(principal, state, changes.currentPassword, ctx);
    // Each identifier change claims a value, so it shares registration's per-address budget:
    // otherwise one account could probe or squat on every email and username (issue 9 item 8).
    if ((newEmail !== undefined || usernameChanges) && ctx.ip !== null)
      await spendBudget(this.rateLimiter, 'register', addressKey(ctx.ip), 'email or username changes');
    if (newEmail !== undefined) await this.claims.claim('email', newEmail, userId, metadata);
    if (usernameChanges && newUsernameKey !== null)
      await this.claims.claim('username', newUsernameKey, userId, metadata);

    const commands: UserCommand[] = [
      // The new address gets a verification mail in the same append (the old one a notice).
      ...(newEmail === undefined
        ? []
        : [{ type: 'ChangeEmail' as const, email: newEmail }, this.verification.request(userId)]),
      { type: 'UpdateProfile', fullName: fields.fullName, username: fields.username },
    ];
    let handled;
    try {
      handled = await this.users.change(
        userId,
        (_current, current) => {
          // The claims above were decided on `version`: a profile changed since then conflicts.
          if (current !== version) throw conflict();
          return commands;
        },
        metadata,
        { retries: 0 },
      );
    } catch (error) {
      if (error instanceof ConcurrencyError) throw conflict();
      throw error;
    }
    const next = handled.state;
    if (!isRegistered(next)) throw conflict(); // erased in between: the change lost
    if (handled.appended === null) return { user: profileOf(state), position: null };
    const { position } = handled.appended;
    if (newEmail !== undefined) await this.claims.release('email', state.email, userId, metadata);
    if (usernameChanges && oldUsernameKey !== null)
      await this.claims.release('username', oldUsernameKey, userId, metadata);
    return { user: profileOf(next), position };
  }

  /** `current_password` in the body (checked and counted like a login), or a recent session. */
  private async requirePasswordProof(
    principal: Principal,
    user: RegisteredUser,
    currentPassword: string | undefined,
    ctx: RequestContext,
  ): Promise<void> {
    const now = this.clock.now();
    if (currentPassword === undefined) {
      requireRecentAuthentication(principal, now, this.settings.reauthWindowSeconds);
      return;
    }
    await this.passwords.verify(
      { identifier: user.email, user, deviceId: null },
      currentPassword,
      wrongCurrentPassword,
      { ...ctx, actorId: principal.userId },
      now,
    );
  }
}
