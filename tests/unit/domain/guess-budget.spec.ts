import { describe, expect, it } from 'vitest';
import {
  budgetWait,
  decideBudget,
  evolveBudget,
  failureLocks,
  initialBudgetState,
  type BudgetEvent,
  type BudgetState,
} from '../../../src/domain/login-attempt/guess-budget.js';

const policy = { threshold: 2, windowSeconds: 60 };
const at = (s: number): Date => new Date(Date.UTC(2026, 0, 1, 0, 0, s));
const fold = (events: [BudgetEvent, number][]): BudgetState =>
  events.reduce((state, [e, s]) => evolveBudget(state, { ...e, occurredAt: at(s) }), initialBudgetState());
const reserved = (attemptId: string): BudgetEvent => ({ type: 'GuessReserved', data: { attemptId } });

describe('issue 9 item 3: the guess budget decider', () => {
  it('reserves until the threshold, counting checks in flight, then refuses until the oldest leaves the window', () => {
    expect(decideBudget({ attemptId: 'a', now: at(0), policy }, initialBudgetState())).toEqual([
      reserved('a'),
    ]);
    const two = fold([
      [reserved('a'), 0],
      [reserved('b'), 10],
    ]);
    expect(decideBudget({ attemptId: 'c', now: at(20), policy }, two)).toEqual([]);
    expect(budgetWait(two, policy, at(20))).toBe(40);
    expect(decideBudget({ attemptId: 'c', now: at(61), policy }, two)).toEqual([reserved('c')]);
    expect(failureLocks(two, policy, at(20))).toBe(true);
  });

  it('a released check (right password) gives its place back; a lock refuses until it ends and then starts afresh', () => {
    const released = fold([
      [reserved('a'), 0],
      [reserved('b'), 1],
      [{ type: 'GuessReleased', data: { attemptId: 'b' } }, 2],
    ]);
    expect(budgetWait(released, policy, at(3))).toBe(0);
    const locked = evolveBudget(
      fold([
        [reserved('a'), 0],
        [reserved('b'), 1],
      ]),
      {
        type: 'AccountLocked',
        data: { identifier: 'x', userId: null, ip: null, failures: 2, lockedUntil: at(31).toISOString() },
        occurredAt: at(1),
      },
    );
    expect(budgetWait(locked, { ...policy, windowSeconds: 600 }, at(11))).toBe(20);
    expect(
      decideBudget({ attemptId: 'c', now: at(32), policy: { ...policy, windowSeconds: 600 } }, locked),
    ).toEqual([reserved('c')]);
  });
});
