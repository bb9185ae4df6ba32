/** What the password rules consult beyond the pure checks of the domain. */
export interface PasswordScreening {
  /** `permissive` turns the list and similarity checks off (PASSWORD_POLICY). */
  readonly policy: 'standard' | 'permissive';
  /** The shipped list of common and breached passwords, keyed by `commonPasswordKey`. */
  readonly common: { has(key: string): boolean };
  /** The optional breached-password service; `false` when unset or unreachable (fail open). */
  isBreached(password: string): Promise<boolean>;
}

export const PASSWORD_SCREENING = Symbol('PasswordScreening');
