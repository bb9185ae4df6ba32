/** The policy numbers use cases need, taken from configuration by the container. */
export interface AuthSettings {
  readonly accessTokenTtlSeconds: number;
  readonly refreshTokenTtlSeconds: number;
  readonly lockout: {
    readonly threshold: number;
    /** Failed checks per account from every client without a trusted device, together. */
    readonly accountThreshold: number;
    readonly windowSeconds: number;
    readonly durationSeconds: number;
  };
}
export const AUTH_SETTINGS = Symbol('AuthSettings');
