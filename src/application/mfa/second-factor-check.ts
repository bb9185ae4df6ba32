import { inject, injectable } from 'tsyringe';
import { addressKey } from '../../domain/shared/address-key.js';
import { DomainError } from '../../domain/shared/domain-error.js';
import type { MfaAnswer, MfaOutcome } from '../../domain/user/mfa.js';
import type { UserCommand } from '../../domain/user/user.commands.js';
import { userDecider, type UserState } from '../../domain/user/user.decider.js';
import type { UserEvent } from '../../domain/user/user.events.js';
import { userStreamId } from '../../domain/user/user.events.js';
import { GuessBudgets } from '../auth/guess-budgets.js';
import { LoginAttempts } from '../auth/login-attempts.js';
import { lockedOut } from '../auth/password-check.js';
import { CommandHandler } from '../command-handler.js';
import type { Handled } from '../event-sourcing.js';
import { ID_GENERATOR, type IdGenerator } from '../ports/id-generator.port.js';
import { metadataOf, type RequestContext } from '../request-context.js';
import { MfaAnswers, type SecondFactorInput } from './mfa-answers.js';

export interface SecondFactorSubject {
  readonly userId: string;
  /** How the attempt trail names the account (the email). */
  readonly identifier: string;
  /** A trusted device spends its own budget, as with passwords. */
  readonly deviceId: string | null;
}

const secondsUntil = (until: Date, now: Date): number =>
  Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));

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
    @inject(CommandHandler) private readonly commands: CommandHandler,
    @inject(GuessBudgets) private readonly budgets: GuessBudgets,
    @inject(LoginAttempts) private readonly attempts: LoginAttempts,
    @inject(ID_GENERATOR) private readonly ids: IdGenerator,
    @inject(MfaAnswers) private readonly answers: MfaAnswers,
  ) {}

  async verify(
    subject: SecondFactorSubject,
    input: SecondFactorInput,
    commandFor: (answer: MfaAnswer) => UserCommand,
    wrong: () => DomainError,
    ctx: RequestContext,
    now: Date,
  ): Promise<Handled<UserEvent, UserState, MfaOutcome>> {
    const { userId, identifier, deviceId } = subject;
    const reserved = await this.budgets.reserve(
      this.budgets.budgetsFor(userId, addressKey(ctx.ip), deviceId),
      this.ids.uuid(),
      ctx,
      now,
    );
    if (!reserved.granted) {
      await this.attempts.recordRefusal({ identifier, userId, outcome: 'locked' }, ctx, now);
      throw lockedOut(reserved.retryAfterSeconds);
    }
    let handled: Handled<UserEvent, UserState, MfaOutcome>;
    try {
      handled = await this.commands.handle(
        userStreamId(userId),
        userDecider,
        (state) => {
          if (state.status === 'unregistered') throw new DomainError('user_not_found', 'No such user.');
          return commandFor(this.answers.of(state, input, now));
        },
        { metadata: { ...metadataOf(ctx), actorId: ctx.actorId ?? userId }, now },
      );
    } catch (error) {
      // Refused before any code was judged (a spent challenge, MFA off): no guess was made.
      await this.budgets.release(reserved.reservation, ctx, now);
      throw error;
    }
    if (handled.outcome !== 'passed') {
      const factor = 'code' in input ? 'totp' : 'recovery_code';
      const failure = { identifier, userId, outcome: 'invalid_credentials', factor } as const;
      const lockedUntil = await this.budgets.fail(reserved.reservation, failure, ctx, now);
      throw lockedUntil === null ? wrong() : lockedOut(secondsUntil(lockedUntil, now));
    }
    await this.budgets.release(reserved.reservation, ctx, now);
    return handled;
  }
}
