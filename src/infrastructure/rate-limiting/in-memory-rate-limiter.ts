import type {
  RateLimitDecision,
  RateLimitedAction,
  RateLimiter,
} from '../../application/ports/rate-limiter.port.js';
import { ALLOWED, FixedWindows, refusedUntil, type RateLimits } from './fixed-window.js';

/** Above this many counters, those of ended windows are dropped, so memory stays bounded. */
const PRUNE_ABOVE = 10_000;

/** The embedded mode's limiter: one process, so a counter per (action, key, slot) in memory. */
export class InMemoryRateLimiter implements RateLimiter {
  private readonly used: FixedWindows<{ readonly end: Date; count: number }>;

  constructor(
    limits: RateLimits,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.used = new FixedWindows(limits, PRUNE_ABOVE, (end) => ({ end, count: 0 }));
  }

  consume(action: RateLimitedAction, key: string): Promise<RateLimitDecision> {
    const now = this.now();
    const { budget, state: entry } = this.used.at(action, key, now);
    if (entry.count >= budget.limit) return Promise.resolve(refusedUntil(entry.end, now));
    entry.count += 1;
    return Promise.resolve(ALLOWED);
  }
}
