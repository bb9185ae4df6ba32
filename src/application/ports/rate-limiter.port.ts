/** `mail`: mails asked for one address or account (forgot, resend), so nobody is mail-bombed. */
export type RateLimitedAction = 'login' | 'register' | 'mail';

export interface RateLimitDecision {
  readonly allowed: boolean;
  /** Seconds until the next attempt would be allowed (0 when allowed). */
  readonly retryAfterSeconds: number;
}

/** Per-client-address budgets, shared by every instance in MongoDB mode. */
export interface RateLimiter {
  consume(action: RateLimitedAction, key: string): Promise<RateLimitDecision>;
}
export const RATE_LIMITER = Symbol('RateLimiter');
