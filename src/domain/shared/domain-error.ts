/**
 * Stable, machine-readable reasons a command was refused. The domain knows nothing about HTTP:
 * the interface layer maps each code to a status once, in one place.
 */
export type DomainErrorCode =
  | 'validation_failed'
  | 'email_taken'
  | 'username_taken'
  | 'invalid_credentials'
  | 'account_inactive'
  | 'account_locked'
  | 'rate_limited'
  | 'user_not_found'
  | 'user_erased'
  | 'session_not_found'
  | 'session_revoked'
  | 'refresh_token_invalid'
  | 'refresh_token_reused'
  | 'forbidden'
  | 'reauthentication_required'
  | 'mfa_required'
  | 'invalid_code'
  | 'mfa_challenge_failed'
  | 'conflict'
  | 'webhook_not_found'
  | 'invalid_token'
  | 'email_not_verified';

export interface FieldProblem {
  readonly field: string;
  readonly message: string;
}

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly fieldProblems: readonly FieldProblem[] = [],
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const invalid = (field: string, message: string): DomainError =>
  new DomainError('validation_failed', message, [{ field, message }]);
