/** The policy numbers use cases need, taken from configuration by the container. */
export interface AuthSettings {
  readonly accessTokenTtlSeconds: number;
  readonly refreshTokenTtlSeconds: number;
  /** No session outlives its login by more than this, however often it is refreshed. */
  readonly sessionMaxLifetimeSeconds: number;
  /** How long after a rotation the superseded refresh token is refused without revoking. */
  readonly refreshReuseGraceSeconds: number;
  /** How long after `auth_time` a session may change email, username, password or MFA. */
  readonly reauthWindowSeconds: number;
  /** AUDIT_PII_RETENTION: how long attempts' personal fields stay readable. */
  readonly personalDataRetentionSeconds: number;
  readonly lockout: {
    readonly threshold: number;
    /** Failed checks per account from every client without a trusted device, together. */
    readonly accountThreshold: number;
    readonly windowSeconds: number;
    readonly durationSeconds: number;
  };
}
export const AUTH_SETTINGS = Symbol('AuthSettings');
