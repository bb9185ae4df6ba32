import { DomainError } from './domain-error.js';

// Refusals raised in more than one place, worded once: the same failure reads the same wherever
// it is detected (a use case's early check or the decider's at the append), so no answer tells
// which check failed.

export const wrongCurrentPassword = (): DomainError =>
  new DomainError('invalid_credentials', 'The current password is incorrect.');

export const userNotFound = (): DomainError => new DomainError('user_not_found', 'No such user.');

export const invalidCode = (): DomainError =>
  new DomainError('invalid_code', 'The code is wrong, expired or already used.');

/** A mailed token (password reset, email verification) that does not work. */
export const invalidToken = (): DomainError =>
  new DomainError('invalid_token', 'The token is unknown, expired, used or superseded.');

export const invalidRefreshToken = (): DomainError =>
  new DomainError('refresh_token_invalid', 'The refresh token is invalid, expired or revoked.');

export const sessionEnded = (): DomainError => new DomainError('session_revoked', 'The session has ended.');
