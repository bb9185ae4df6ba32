import { RetryLaterError } from '../domain/shared/retry-later-error.js';
import type { RateLimitedAction, RateLimiter } from './ports/rate-limiter.port.js';

/**
 * Spends one try of `key`'s budget for `action`, or refuses with `rate_limited` and when to come
 * back; `what` names the tries in the message ("Too many registrations").
 */
export async function spendBudget(
  limiter: RateLimiter,
  action: RateLimitedAction,
  key: string,
  what: string,
): Promise<void> {
  const budget = await limiter.consume(action, key);
  if (!budget.allowed)
    throw new RetryLaterError('rate_limited', `Too many ${what}; try again later.`, budget.retryAfterSeconds);
}
