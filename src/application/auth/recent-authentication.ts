import { DomainError } from '../../domain/shared/domain-error.js';

/**
 * Privileged changes (email, username, password, MFA, erasure) need a session that proved the
 * password within the window (Kratos's "privileged session"): a stolen access token alone, used
 * after the window, cannot take the account over. `current_password` in the same request is the
 * other way in; callers check it through the password check before calling this.
 */
export function requireRecentAuthentication(
  principal: { readonly authTime: Date },
  now: Date,
  windowSeconds: number,
): void {
  if (now.getTime() - principal.authTime.getTime() <= windowSeconds * 1000) return;
  throw new DomainError(
    'reauthentication_required',
    'This change needs a recent password check: call POST /auth/reauthenticate or send current_password.',
  );
}
