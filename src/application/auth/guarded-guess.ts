import { inject, injectable } from 'tsyringe';
import { addressKey } from '../../domain/shared/address-key.js';
import type { DomainError } from '../../domain/shared/domain-error.js';
import { RetryLaterError } from '../../domain/shared/retry-later-error.js';
import { ID_GENERATOR, type IdGenerator } from '../ports/id-generator.port.js';
import type { RequestContext } from '../request-context.js';
import { GuessBudgets, type FailedCheck } from './guess-budgets.js';
import { LoginAttempts } from './login-attempts.js';

/** Who a guess is about: the account (or `unknown:<identifier>`) is the budget's key. */
export interface Guess {
  readonly account: string;
  /** As the attempt trail names it. */
  readonly identifier: string;
  readonly userId: string | null;
  /** A trusted device of this account spends its own budget instead of the shared ones. */
  readonly deviceId: string | null;
}

/** What judging a guess found: passed with its result, or the failure to record. */
export type Judged<T> =
  { readonly passed: true; readonly value: T } | { readonly passed: false; readonly failure: FailedCheck };

const secondsUntil = (until: Date, now: Date): number =>
  Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));

export const lockedOut = (retryAfterSeconds: number): RetryLaterError =>
  new RetryLaterError('account_locked', 'Too many failed attempts; try again later.', retryAfterSeconds);

/**
 * The one shape of every guess the service judges (a password, a TOTP code, a recovery code): a
 * place in every budget it spends is reserved before the judgement, so concurrency cannot get
 * more judgements than the thresholds; a wrong guess is recorded as `LoginFailed` and may lock
 * (the guess that spends the budget is answered as locked at once); a right one, or a judgement
 * that was refused before anything was guessed (it threw), gives the place back.
 */
@injectable()
export class GuardedGuesses {
  constructor(
    @inject(GuessBudgets) private readonly budgets: GuessBudgets,
    @inject(LoginAttempts) private readonly attempts: LoginAttempts,
    @inject(ID_GENERATOR) private readonly ids: IdGenerator,
  ) {}

  async judge<T>(
    guess: Guess,
    judgement: () => Promise<Judged<T>>,
    wrong: () => DomainError,
    ctx: RequestContext,
    now: Date,
  ): Promise<T> {
    const { account, identifier, userId, deviceId } = guess;
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
    let judged: Judged<T>;
    try {
      judged = await judgement();
    } catch (error) {
      await this.budgets.release(reserved.reservation, ctx, now);
      throw error;
    }
    if (!judged.passed) {
      const lockedUntil = await this.budgets.fail(reserved.reservation, judged.failure, ctx, now);
      throw lockedUntil === null ? wrong() : lockedOut(secondsUntil(lockedUntil, now));
    }
    await this.budgets.release(reserved.reservation, ctx, now);
    return judged.value;
  }
}
