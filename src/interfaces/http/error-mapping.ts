import { DomainError, type DomainErrorCode } from '../../domain/shared/domain-error.js';
import { RetryLaterError } from '../../domain/shared/retry-later-error.js';
import { StoreUnavailableError } from '../../application/ports/event-store.port.js';
import { MfaRequiredError } from '../../application/mfa/mfa-required-error.js';
import { bearerChallenge, HttpProblem } from './problem.js';

const STATUS: Record<DomainErrorCode, { status: number; title: string }> = {
  validation_failed: { status: 422, title: 'Validation failed' },
  email_taken: { status: 409, title: 'Email taken' },
  username_taken: { status: 409, title: 'Username taken' },
  conflict: { status: 409, title: 'Conflict' },
  invalid_credentials: { status: 401, title: 'Invalid credentials' },
  account_inactive: { status: 403, title: 'Account deactivated' },
  account_locked: { status: 429, title: 'Too many attempts' },
  rate_limited: { status: 429, title: 'Too many requests' },
  user_not_found: { status: 404, title: 'Not found' },
  user_erased: { status: 410, title: 'Gone' },
  session_not_found: { status: 404, title: 'Not found' },
  webhook_not_found: { status: 404, title: 'Not found' },
  session_revoked: { status: 401, title: 'Unauthorized' },
  refresh_token_invalid: { status: 401, title: 'Invalid refresh token' },
  refresh_token_reused: { status: 401, title: 'Invalid refresh token' },
  forbidden: { status: 403, title: 'Forbidden' },
  reauthentication_required: { status: 403, title: 'Reauthentication required' },
  mfa_required: { status: 403, title: 'Second factor required' },
  invalid_code: { status: 400, title: 'Invalid code' },
  invalid_token: { status: 400, title: 'Invalid token' },
  email_not_verified: { status: 403, title: 'Email not verified' },
  mfa_challenge_failed: { status: 401, title: 'Second factor refused' },
};

/** Refusals a client acts on by code (API.md names them): the problem carries `"error": code`. */
const NAMED_IN_BODY: ReadonlySet<DomainErrorCode> = new Set<DomainErrorCode>([
  'reauthentication_required',
  'mfa_required',
  'invalid_code',
  'invalid_token',
  'email_not_verified',
]);

/**
 * The one place where domain refusals become HTTP. Locked and rate-limited share one body so a
 * client cannot tell an account lock from an address limit; both carry Retry-After.
 */
export function toProblem(error: unknown): HttpProblem | null {
  if (error instanceof HttpProblem) return error;
  if (error instanceof StoreUnavailableError) {
    return new HttpProblem(503, 'Service unavailable', 'The store is unavailable; retry shortly.', {
      headers: { 'Retry-After': '1' },
    });
  }
  if (!(error instanceof DomainError)) return null;
  const { status, title } = STATUS[error.code];
  const headers: Record<string, string> = {};
  if (status === 401) Object.assign(headers, bearerChallenge(false));
  if (error instanceof RetryLaterError) {
    headers['Retry-After'] = String(error.retryAfterSeconds);
    return new HttpProblem(429, 'Too many requests', 'Too many attempts; try again later.', { headers });
  }
  const detail =
    error.code === 'refresh_token_reused'
      ? 'The refresh token is invalid, expired or revoked.'
      : error.message;
  if (error instanceof MfaRequiredError) {
    // The challenge the client answers at POST /auth/login/mfa; no token of any other kind.
    const extensions = { error: error.code, mfa_token: error.mfaToken, expires_in: error.expiresInSeconds };
    return new HttpProblem(status, title, detail, { headers, extensions });
  }
  return new HttpProblem(status, title, detail, {
    headers,
    ...(error.fieldProblems.length > 0 ? { errors: error.fieldProblems } : {}),
    ...(NAMED_IN_BODY.has(error.code) ? { extensions: { error: error.code } } : {}),
  });
}
