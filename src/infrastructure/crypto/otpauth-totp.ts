import { Secret, TOTP } from 'otpauth';
import QRCode from 'qrcode';
import type { TotpAuthenticator } from '../../application/ports/totp.port.js';

const PERIOD = 30;
const DIGITS = 6;
const CODE = /^\d{6}$/;

/** RFC 6238 through `otpauth` (its validation compares with crypto.timingSafeEqual); QR via `qrcode`. */
/** The name authenticator apps show for the account: the issuer's host. */
export const totpIssuerOf = (issuer: string): string => {
  try {
    return new URL(issuer).host || issuer;
  } catch {
    return issuer;
  }
};

export class OtpauthTotp implements TotpAuthenticator {
  /** `issuer`: the name the authenticator app shows above the account. */
  constructor(private readonly issuer: string) {}

  newSecret(): string {
    return new Secret({ size: 20 }).base32;
  }

  keyUri(secret: string, account: string): string {
    return this.totp(secret, account).toString();
  }

  qrSvg(text: string): Promise<string> {
    return QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  }

  matchingStep(secret: string, code: string, at: Date): number | null {
    const token = code.replace(/\s/g, '');
    if (!CODE.test(token)) return null;
    const totp = this.totp(secret, 'user');
    const timestamp = at.getTime();
    const delta = totp.validate({ token, timestamp, window: 1 });
    return delta === null ? null : totp.counter({ timestamp }) + delta;
  }

  private totp(secret: string, label: string): TOTP {
    return new TOTP({
      issuer: this.issuer,
      label,
      algorithm: 'SHA1',
      digits: DIGITS,
      period: PERIOD,
      secret: Secret.fromBase32(secret),
    });
  }
}
