export interface BackoffPolicy {
  readonly baseMs: number;
  readonly maxMs: number;
}

/** Exponential: base, 2·base, 4·base … capped at max. */
export const backoffCeiling = (attempt: number, policy: BackoffPolicy): number =>
  Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(Math.max(attempt - 1, 0), 30));

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Full jitter below the exponential ceiling: two writers that collided should not collide again
 * in step, on one instance or across several.
 */
export const jitteredBackoff = (attempt: number, policy: BackoffPolicy): Promise<void> =>
  sleep(Math.random() * backoffCeiling(attempt, policy));
