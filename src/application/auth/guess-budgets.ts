import { inject, injectable } from 'tsyringe';
import {
  budgetWait,
  countedGuesses,
  decideBudget,
  evolveBudget,
  failureLocks,
  initialBudgetState,
  type BudgetEvent,
  type BudgetPolicy,
  type BudgetScope,
  type BudgetState,
  type ReserveGuess,
} from '../../domain/login-attempt/guess-budget.js';
import {
  guessBudgetStreamId,
  type LoginAttemptEvent,
  type LoginFailureOutcome,
} from '../../domain/login-attempt/login-attempt.events.js';
import type { Decider } from '../../domain/shared/decider.js';
import type { MfaFactor } from '../../domain/user/mfa.events.js';
import { LRUCache } from 'lru-cache';
import { CommandHandler } from '../command-handler.js';
import { asRecorded } from '../event-sourcing.js';
import { AUTH_SETTINGS, type AuthSettings } from '../ports/auth-settings.port.js';
import { EVENT_STORE, type EventStore } from '../ports/event-store.port.js';
import { KEYED_HASH, type KeyedHash } from '../ports/keyed-hash.port.js';
import { metadataOf, type RequestContext } from '../request-context.js';

const HOUR_MS = 3_600_000;

export interface Budget {
  readonly scope: BudgetScope;
  readonly key: string;
  readonly policy: BudgetPolicy;
}

export interface Reservation {
  readonly attemptId: string;
  readonly budgets: readonly Budget[];
  /** Each budget's state right after this reservation, concurrent ones included. */
  readonly states: readonly BudgetState[];
}

export type Reserved =
  | { readonly granted: true; readonly reservation: Reservation }
  | {
      readonly granted: false;
      readonly retryAfterSeconds: number;
    };

export interface FailedCheck {
  readonly identifier: string;
  readonly userId: string | null;
  readonly outcome: Extract<LoginFailureOutcome, 'invalid_credentials' | 'unknown_user'>;
  /** Set when the wrong guess was a second factor, not a password. */
  readonly factor?: MfaFactor;
}

/**
 * Budgets of password checks, decided before bcrypt runs: a check is reserved by appending to the
 * budget's stream at the version it was decided on, so concurrent guesses on any number of
 * instances cannot exceed the threshold. A reservation counts as a failure until released.
 */
@injectable()
export class GuessBudgets {
  constructor(
    @inject(EVENT_STORE) private readonly store: EventStore,
    @inject(AUTH_SETTINGS) private readonly settings: AuthSettings,
    @inject(CommandHandler) private readonly commands: CommandHandler,
    @inject(KEYED_HASH) private readonly keyed: KeyedHash,
  ) {}

  /**
   * One decider per budget stream (its start state folds the earlier hours, which nobody appends
   * to any more), kept so the command handler's stream cache applies: a login that lost the race
   * for a place reads only the commits that came after its last read, not the whole hour again —
   * concurrent logins of one account would otherwise cost quadratically many reads (on FerretDB
   * one per commit).
   */
  private readonly deciders = new LRUCache<string, Decider<ReserveGuess, BudgetEvent, BudgetState>>({
    max: 10_000,
  });

  /**
   * A trusted device spends only its own budget; everyone else one per address and one per account.
   * Keys of address budgets are keyed hashes: a budget's stream id names no address or identifier.
   */
  budgetsFor(account: string, address: string, deviceId: string | null): Budget[] {
    const { threshold, windowSeconds, accountThreshold } = this.settings.lockout;
    if (deviceId !== null) return [{ scope: 'device', key: deviceId, policy: { threshold, windowSeconds } }];
    return [
      {
        scope: 'address',
        key: this.keyed.digest('budget-address', `${address}-${account}`),
        policy: { threshold, windowSeconds },
      },
      {
        scope: 'account',
        key: this.keyed.digest('budget-account', account),
        policy: { threshold: accountThreshold, windowSeconds },
      },
    ];
  }

  async reserve(
    budgets: readonly Budget[],
    attemptId: string,
    ctx: RequestContext,
    now: Date,
  ): Promise<Reserved> {
    // In order, narrowest first: an attempt its address may not make never touches the account's
    // budget, so one noisy address neither spends nor churns the places other addresses share.
    const states: BudgetState[] = [];
    for (const [i, budget] of budgets.entries()) {
      const streamId = guessBudgetStreamId(budget.scope, budget.key, now);
      const decided = await this.commands.handle(
        streamId,
        await this.deciderFor(streamId, budget, now),
        { attemptId, now, policy: budget.policy },
        // Each lost race is another attempt's reservation, or its failure or release after one:
        // at most two appends per place, so this many retries always get an answer.
        { metadata: metadataOf(ctx), now, retries: 2 * budget.policy.threshold + 10 },
      );
      if (decided.appended === null) {
        // Give back the places this attempt did take.
        await this.release({ attemptId, budgets: budgets.slice(0, i), states }, ctx, now);
        return { granted: false, retryAfterSeconds: budgetWait(decided.state, budget.policy, now) };
      }
      states.push(decided.state);
    }
    return { granted: true, reservation: { attemptId, budgets, states } };
  }

  async release(reservation: Reservation, ctx: RequestContext, now: Date): Promise<void> {
    await Promise.all(
      reservation.budgets.map((b) =>
        this.recordIn(b, [{ type: 'GuessReleased', data: { attemptId: reservation.attemptId } }], ctx, now),
      ),
    );
  }

  /**
   * Records the wrong guess in the first budget's stream and locks every budget it spent. Returns
   * when the caller may try again, or null when it is not locked.
   */
  async fail(
    reservation: Reservation,
    check: FailedCheck,
    ctx: RequestContext,
    now: Date,
  ): Promise<Date | null> {
    const lockedUntil = new Date(now.getTime() + this.settings.lockout.durationSeconds * 1000);
    let locked = false;
    await Promise.all(
      reservation.budgets.map((budget, i) => {
        const state = reservation.states[i] ?? initialBudgetState();
        const events: LoginAttemptEvent[] = [];
        if (i === 0) {
          events.push({
            type: 'LoginFailed',
            data: { attemptId: reservation.attemptId, ...check, ip: ctx.ip, userAgent: ctx.userAgent },
          });
        }
        if (failureLocks(state, budget.policy, now)) {
          locked = true;
          events.push({
            type: 'AccountLocked',
            data: {
              identifier: check.identifier,
              userId: check.userId,
              ip: ctx.ip,
              failures: countedGuesses(state, budget.policy, now).length,
              lockedUntil: lockedUntil.toISOString(),
              scope: budget.scope,
            },
          });
        }
        return events.length === 0 ? Promise.resolve() : this.recordIn(budget, events, ctx, now);
      }),
    );
    return locked ? lockedUntil : null;
  }

  private async deciderFor(
    streamId: string,
    budget: Budget,
    now: Date,
  ): Promise<Decider<ReserveGuess, BudgetEvent, BudgetState>> {
    const known = this.deciders.get(streamId);
    if (known !== undefined) return known;
    const decider = await this.deciderFrom(budget, now);
    this.deciders.set(streamId, decider);
    return decider;
  }

  /** The state of the earlier hours, which nobody appends to any more, as the starting point. */
  private async deciderFrom(
    budget: Budget,
    now: Date,
  ): Promise<Decider<ReserveGuess, BudgetEvent, BudgetState>> {
    const { windowSeconds, durationSeconds } = this.settings.lockout;
    const hours = Math.ceil(Math.max(windowSeconds, durationSeconds) / 3600);
    const earlier = Array.from({ length: hours }, (_, i) =>
      guessBudgetStreamId(budget.scope, budget.key, new Date(now.getTime() - (hours - i) * HOUR_MS)),
    );
    let prior = initialBudgetState();
    for (const events of await Promise.all(earlier.map((s) => this.store.readStream(s)))) {
      for (const event of events) prior = evolveBudget(prior, asRecorded<BudgetEvent>(event));
    }
    return { initialState: () => prior, evolve: evolveBudget, decide: decideBudget };
  }

  private async recordIn(
    budget: Budget,
    events: readonly (BudgetEvent | LoginAttemptEvent)[],
    ctx: RequestContext,
    now: Date,
  ): Promise<void> {
    await this.commands.record({
      streamId: guessBudgetStreamId(budget.scope, budget.key, now),
      expectedVersion: 'any',
      events: events.map((e) => ({ type: e.type, data: e.data })),
      metadata: metadataOf(ctx),
      occurredAt: now,
    });
  }
}
