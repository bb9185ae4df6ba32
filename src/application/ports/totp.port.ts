/** RFC 6238 TOTP (SHA-1, 6 digits, 30 s steps), as authenticator apps implement it. */
export interface TotpAuthenticator {
  /** A new random secret (160 bits), base32 as authenticator apps take it. */
  newSecret(): string;
  /** The `otpauth://totp/…` URI an app scans (the account label is the user's email). */
  keyUri(secret: string, account: string): string;
  /** The URI as an SVG QR code. */
  qrSvg(text: string): Promise<string>;
  /**
   * The time step whose code this is, within ±1 step of `at`, compared in constant time; null when
   * it matches none. The caller decides whether that step was already used.
   */
  matchingStep(secret: string, code: string, at: Date): number | null;
}
export const TOTP_AUTHENTICATOR = Symbol('TotpAuthenticator');
