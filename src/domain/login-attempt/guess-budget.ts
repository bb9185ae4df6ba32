import type { DomainEvent } from '../shared/event.js';
import type { Recorded } from '../shared/event.js';
import type { AccountLocked, LoginFailed } from './login-attempt.events.js';

/**
 * Who shares a budget of password checks: one account from one address, one account from every
 * untrusted client together, or one trusted device on its account.
 */
export type BudgetScope = 'address' | 'account' | 'device';

export interface BudgetPolicy {
  readonly threshold: number;
  readonly windowSeconds: number;
}

/** A password check claimed before bcrypt runs; it counts as a failure until released. */
export type GuessReserved = DomainEvent<'GuessReserved', { readonly attemptId: string }>;
/** The claimed check found the right password: it no longer counts. */
export type GuessReleased = DomainEvent<'GuessReleased', { readonly attemptId: string }>;

export type BudgetEvent = GuessReserved | GuessReleased | AccountLocked | LoginFailed;

export interface BudgetState {
  /** attemptId → when it was reserved (ms). */
  readonly reservations: ReadonlyMap<string, number>;
  readonly lockedUntil: number;
}

export interface ReserveGuess {
  readonly attemptId: string;
  readonly now: Date;
  readonly policy: BudgetPolicy;
}

export const initialBudgetState = (): BudgetState => ({ reservations: new Map(), lockedUntil: 0 });

export function evolveBudget(state: BudgetState, event: Recorded<BudgetEvent>): BudgetState {
  switch (event.type) {
    case 'GuessReserved': {
      const reservations = new Map(state.reservations);
      reservations.set(event.data.attemptId, event.occurredAt.getTime());
      return { ...state, reservations };
    }
    case 'GuessReleased': {
      const reservations = new Map(state.reservations);
      reservations.delete(event.data.attemptId);
      return { ...state, reservations };
    }
    case 'AccountLocked':
      return { ...state, lockedUntil: Math.max(state.lockedUntil, Date.parse(event.data.lockedUntil)) };
    case 'LoginFailed':
      return state;
  }
}

/** Checks counted now: reserved within the window and since the last lock ended. */
export function countedGuesses(state: BudgetState, policy: BudgetPolicy, now: Date): number[] {
  const since = Math.max(now.getTime() - policy.windowSeconds * 1000, state.lockedUntil);
  return [...state.reservations.values()].filter((at) => at >= since).sort((a, b) => a - b);
}

/**
 * Seconds until one more check may run, or 0 when one may run now. While locked, until the lock
 * ends; while the budget is spent on checks in flight, until the oldest leaves the window.
 */
export function budgetWait(state: BudgetState, policy: BudgetPolicy, now: Date): number {
  const ms = now.getTime();
  if (state.lockedUntil > ms) return Math.ceil((state.lockedUntil - ms) / 1000);
  const counted = countedGuesses(state, policy, now);
  if (counted.length < policy.threshold) return 0;
  const oldest = counted[counted.length - policy.threshold] ?? ms;
  return Math.max(1, Math.ceil((oldest + policy.windowSeconds * 1000 - ms) / 1000));
}

/**
 * The reservation: nothing when the budget is spent. Appended at the stream version it was decided
 * on, so of concurrent guesses only as many as the budget holds ever win; the rest decide again.
 */
export function decideBudget(command: ReserveGuess, state: BudgetState): BudgetEvent[] {
  if (budgetWait(state, command.policy, command.now) > 0) return [];
  return [{ type: 'GuessReserved', data: { attemptId: command.attemptId } }];
}

/** Whether a failed check leaves the budget spent, i.e. the failure locks. */
export const failureLocks = (state: BudgetState, policy: BudgetPolicy, now: Date): boolean =>
  countedGuesses(state, policy, now).length >= policy.threshold;
