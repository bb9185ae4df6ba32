import type { LoginOutcome } from './login-attempt.events.js';

/** What is known about an attempt. Facts not yet established are false: precedence makes that safe. */
export interface LoginFacts {
  readonly rateLimited: boolean;
  readonly locked: boolean;
  readonly userExists: boolean;
  readonly passwordMatches: boolean;
  readonly userActive: boolean;
}

/**
 * The login decision. A refusal that needs no guess (rate limit, lock) comes first, so a locked
 * account refuses even the right password; a deactivated account is revealed only to someone who
 * knows its password. Success needs every fact.
 */
export function loginOutcome(facts: LoginFacts): LoginOutcome {
  if (facts.rateLimited) return 'rate_limited';
  if (facts.locked) return 'locked';
  if (!facts.userExists) return 'unknown_user';
  if (!facts.passwordMatches) return 'invalid_credentials';
  if (!facts.userActive) return 'inactive';
  return 'success';
}
