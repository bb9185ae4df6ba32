import type {
  RateLimitDecision,
  RateLimitedAction,
  RateLimiter,
} from '../../application/ports/rate-limiter.port.js';
import {
  ALLOWED,
  budgetsOf,
  refusedUntil,
  slotEnd,
  slotOf,
  type Budget,
  type RateLimits,
} from './fixed-window.js';

/** Above this many counters, those of ended windows are dropped, so memory stays bounded. */
const PRUNE_ABOVE = 10_000;

/** The embedded mode's limiter: one process, so a counter per (action, key, slot) in memory. */
export class InMemoryRateLimiter implements RateLimiter {
  private readonly budgets: Record<RateLimitedAction, Budget>;
  private readonly used = new Map<string, { readonly end: Date; count: number }>();

  constructor(
    limits: RateLimits,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.budgets = budgetsOf(limits);
  }

  consume(action: RateLimitedAction, key: string): Promise<RateLimitDecision> {
    const now = this.now();
    const budget = this.budgets[action];
    const slot = slotOf(budget, now);
    const id = `${action}:${key}:${slot}`;
    if (this.used.size > PRUNE_ABOVE) this.prune(now);
    const entry = this.used.get(id) ?? { end: slotEnd(budget, slot), count: 0 };
    this.used.set(id, entry);
    if (entry.count >= budget.limit) return Promise.resolve(refusedUntil(entry.end, now));
    entry.count += 1;
    return Promise.resolve(ALLOWED);
  }

  private prune(now: Date): void {
    for (const [id, entry] of this.used) if (entry.end <= now) this.used.delete(id);
  }
}
