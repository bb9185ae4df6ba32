import { DomainError, type DomainErrorCode } from './domain-error.js';

/** A refusal that lifts by itself: the caller may try again after `retryAfterSeconds`. */
export class RetryLaterError extends DomainError {
  constructor(
    code: Extract<DomainErrorCode, 'account_locked' | 'rate_limited'>,
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(code, message);
    this.name = 'RetryLaterError';
  }
}
