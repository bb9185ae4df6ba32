import type { RateLimitDecision, RateLimitedAction } from '../../application/ports/rate-limiter.port.js';

export interface RateLimits {
  readonly loginPerMinute: number;
  readonly registerPerHour: number;
  /** Default 5. */
  readonly mailPerHour?: number;
}

export interface Budget {
  readonly limit: number;
  readonly windowMs: number;
}

/** The budget of each action: so many attempts per fixed window. */
export const budgetsOf = (limits: RateLimits): Record<RateLimitedAction, Budget> => ({
  login: { limit: limits.loginPerMinute, windowMs: 60_000 },
  register: { limit: limits.registerPerHour, windowMs: 3_600_000 },
  mail: { limit: limits.mailPerHour ?? 5, windowMs: 3_600_000 },
});

/**
 * Fixed windows aligned to the epoch (slot = floor(now / window)), the same on every instance
 * without any coordination: a key gets `limit` attempts per slot. At a slot boundary a client
 * can spend two budgets back to back (at most 2 × limit in any window's length); a sliding
 * window would need a read-modify-write, which FerretDB 1.x cannot do atomically.
 */
export const slotOf = (budget: Budget, now: Date): number => Math.floor(now.getTime() / budget.windowMs);

export const slotEnd = (budget: Budget, slot: number): Date => new Date((slot + 1) * budget.windowMs);

export const ALLOWED: RateLimitDecision = { allowed: true, retryAfterSeconds: 0 };

/** Refused until the slot ends (at least one second, as Retry-After counts whole seconds). */
export const refusedUntil = (end: Date, now: Date): RateLimitDecision => ({
  allowed: false,
  retryAfterSeconds: Math.max(1, Math.ceil((end.getTime() - now.getTime()) / 1000)),
});

/** One attempt's place in time: its bucket (`${action}:${key}:${slot}`), budget and the end of its slot. */
export interface FixedWindow<S> {
  readonly bucket: string;
  readonly budget: Budget;
  readonly end: Date;
  /** What this instance keeps about the bucket, shared by every attempt in the same slot. */
  readonly state: S;
}

/** Per-bucket state of the current slots, bounded: once over `pruneAbove` buckets, ended slots are dropped. */
export class FixedWindows<S extends { readonly end: Date }> {
  private readonly budgets: Record<RateLimitedAction, Budget>;
  private readonly states = new Map<string, S>();

  constructor(
    limits: RateLimits,
    private readonly pruneAbove: number,
    private readonly fresh: (end: Date) => S,
  ) {
    this.budgets = budgetsOf(limits);
  }

  at(action: RateLimitedAction, key: string, now: Date): FixedWindow<S> {
    const budget = this.budgets[action];
    const slot = slotOf(budget, now);
    const bucket = `${action}:${key}:${slot}`;
    const end = slotEnd(budget, slot);
    if (this.states.size > this.pruneAbove) this.prune(now);
    const state = this.states.get(bucket) ?? this.fresh(end);
    this.states.set(bucket, state);
    return { bucket, budget, end, state };
  }

  private prune(now: Date): void {
    for (const [bucket, state] of this.states) if (state.end <= now) this.states.delete(bucket);
  }
}
