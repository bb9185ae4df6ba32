import { inject, injectable } from 'tsyringe';
import { addressKey } from '../../domain/shared/address-key.js';
import { DomainError } from '../../domain/shared/domain-error.js';
import { normalizePassword } from '../../domain/user/password-policy.js';
import { RetryLaterError } from '../../domain/shared/retry-later-error.js';
import { ID_GENERATOR, type IdGenerator } from '../ports/id-generator.port.js';
import { PASSWORD_HASHER, type PasswordHasher } from '../ports/password-hasher.port.js';
import type { RequestContext } from '../request-context.js';
import { GuessBudgets } from './guess-budgets.js';
import { LoginAttempts } from './login-attempts.js';

export interface CheckedSubject {
  /** As typed at login; the account's email elsewhere. */
  readonly identifier: string;
  /** Null for an identifier no account holds: checked against a dummy hash all the same. */
  readonly user: { readonly id: string; readonly passwordHash: string } | null;
  /** A trusted device of this account spends its own budget instead of the shared ones. */
  readonly deviceId: string | null;
}

const secondsUntil = (until: Date, now: Date): number =>
  Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));

export const lockedOut = (retryAfterSeconds: number): RetryLaterError =>
  new RetryLaterError('account_locked', 'Too many failed attempts; try again later.', retryAfterSeconds);

/**
 * Every password check of the service (login, password change, re-authentication): a place in the
 * guess budgets is reserved before bcrypt runs, a wrong password is recorded as `LoginFailed` and
 * may lock, a right one gives its place back. Throws 401-style or 429-style errors.
 */
@injectable()
export class PasswordCheck {
  constructor(
    @inject(PASSWORD_HASHER) private readonly hasher: PasswordHasher,
    @inject(ID_GENERATOR) private readonly ids: IdGenerator,
    @inject(GuessBudgets) private readonly budgets: GuessBudgets,
    @inject(LoginAttempts) private readonly attempts: LoginAttempts,
  ) {}

  async verify(
    subject: CheckedSubject,
    password: string,
    wrong: () => DomainError,
    ctx: RequestContext,
    now: Date,
  ): Promise<void> {
    const { identifier, user, deviceId } = subject;
    const userId = user?.id ?? null;
    // The account, not the identifier: its email and its username spend one budget.
    const account = userId ?? `unknown:${identifier}`;
    const reserved = await this.budgets.reserve(
      this.budgets.budgetsFor(account, addressKey(ctx.ip), deviceId),
      this.ids.uuid(),
      ctx,
      now,
    );
    if (!reserved.granted) {
      await this.attempts.recordRefusal({ identifier, userId, outcome: 'locked' }, ctx, now);
      throw lockedOut(reserved.retryAfterSeconds);
    }
    // NFC, as on register and change: the same password typed on another keyboard matches.
    const normalized = normalizePassword(password);
    const matches =
      user === null
        ? await this.hasher.verifyAgainstDummy(normalized)
        : await this.hasher.verify(normalized, user.passwordHash);
    if (!matches || user === null) {
      const outcome = user === null ? 'unknown_user' : 'invalid_credentials';
      const failure = { identifier, userId, outcome } as const;
      const lockedUntil = await this.budgets.fail(reserved.reservation, failure, ctx, now);
      // The guess that spends the budget is answered as locked at once.
      throw lockedUntil === null ? wrong() : lockedOut(secondsUntil(lockedUntil, now));
    }
    await this.budgets.release(reserved.reservation, ctx, now);
  }
}
