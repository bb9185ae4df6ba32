import { isRegistered } from '../../domain/user/user.decider.js';
import { inject, injectable } from 'tsyringe';
import { DomainError } from '../../domain/shared/domain-error.js';
import type { MfaAnswer } from '../../domain/user/mfa.js';
import type { UserCommand } from '../../domain/user/user.commands.js';
import { GuardedGuesses } from '../auth/guarded-guess.js';
import { metadataOf, type RequestContext } from '../request-context.js';
import { UserRepository, type UserChanged } from '../users/user-repository.js';
import { MfaAnswers, type SecondFactorInput } from './mfa-answers.js';

export interface SecondFactorSubject {
  readonly userId: string;
  /** How the attempt trail names the account (the email). */
  readonly identifier: string;
  /** A trusted device spends its own budget, as with passwords. */
  readonly deviceId: string | null;
}

/**
 * Every second-factor check (login, turning MFA off) spends the account's guess budgets exactly
 * like a password check: a place is reserved before the code is judged, a wrong code is a
 * `LoginFailed` (with its factor) that may lock the account, a right one gives the place back. The
 * judgement itself is a command on the user's stream, so the last accepted TOTP step and the
 * challenge's failures are decided under optimistic concurrency across instances.
 */
@injectable()
export class SecondFactorCheck {
  constructor(
    @inject(UserRepository) private readonly users: UserRepository,
    @inject(GuardedGuesses) private readonly guesses: GuardedGuesses,
    @inject(MfaAnswers) private readonly answers: MfaAnswers,
  ) {}

  async verify(
    subject: SecondFactorSubject,
    input: SecondFactorInput,
    commandFor: (answer: MfaAnswer) => UserCommand,
    wrong: () => DomainError,
    ctx: RequestContext,
    now: Date,
  ): Promise<UserChanged> {
    const { userId, identifier, deviceId } = subject;
    const factor = 'code' in input ? 'totp' : 'recovery_code';
    return this.guesses.judge(
      { account: userId, identifier, userId, deviceId },
      async () => {
        // A refusal before any code is judged (a spent challenge, MFA off) throws: no guess made.
        const handled = await this.users.change(
          userId,
          (state) => {
            if (!isRegistered(state)) throw new DomainError('user_not_found', 'No such user.');
            return commandFor(this.answers.of(state, input, now));
          },
          { ...metadataOf(ctx), actorId: ctx.actorId ?? userId },
          { now },
        );
        return handled.outcome === 'passed'
          ? { passed: true, value: handled }
          : { passed: false, failure: { identifier, userId, outcome: 'invalid_credentials', factor } };
      },
      wrong,
      ctx,
      now,
    );
  }
}
