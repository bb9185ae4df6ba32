import { inject, injectable } from 'tsyringe';
import type { DomainError } from '../../domain/shared/domain-error.js';
import { normalizePassword } from '../../domain/user/password-policy.js';
import { PASSWORD_HASHER, type PasswordHasher } from '../ports/password-hasher.port.js';
import type { RequestContext } from '../request-context.js';
import { GuardedGuesses } from './guarded-guess.js';

export interface CheckedSubject {
  /** As typed at login; the account's email elsewhere. */
  readonly identifier: string;
  /** Null for an identifier no account holds: checked against a dummy hash all the same. */
  readonly user: { readonly id: string; readonly passwordHash: string } | null;
  /** A trusted device of this account spends its own budget instead of the shared ones. */
  readonly deviceId: string | null;
}

/**
 * Every password check of the service (login, password change, re-authentication), judged as a
 * guarded guess: budgets reserved before bcrypt runs. Throws 401-style or 429-style errors.
 */
@injectable()
export class PasswordCheck {
  constructor(
    @inject(PASSWORD_HASHER) private readonly hasher: PasswordHasher,
    @inject(GuardedGuesses) private readonly guesses: GuardedGuesses,
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
    await this.guesses.judge(
      { account, identifier, userId, deviceId },
      async () => {
        // NFC, as on register and change: the same password typed on another keyboard matches.
        const normalized = normalizePassword(password);
        const matches =
          user === null
            ? await this.hasher.verifyAgainstDummy(normalized)
            : await this.hasher.verify(normalized, user.passwordHash);
        if (matches && user !== null) return { passed: true, value: undefined };
        const outcome = user === null ? 'unknown_user' : 'invalid_credentials';
        return { passed: false, failure: { identifier, userId, outcome } };
      },
      wrong,
      ctx,
      now,
    );
  }
}
