import { createHmac } from 'node:crypto';

/**
 * RFC 6238 written separately from the service (which uses `otpauth`): HMAC-SHA-1 over the
 * big-endian step counter, dynamic truncation (RFC 4226 §5.3), 6 digits, 30 s steps.
 */
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function base32Decode(text: string): Buffer {
  const clean = text.replace(/=+$/, '').toUpperCase();
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const char of clean) {
    const index = BASE32.indexOf(char);
    if (index < 0) throw new Error(`not base32: ${char}`);
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

export function totpAt(secret: string, step: number): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', base32Decode(secret)).update(counter).digest();
  const offset = (mac[mac.length - 1] ?? 0) & 0x0f;
  const binary = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return String(binary).padStart(6, '0');
}

export const currentStep = (): number => Math.floor(Date.now() / 30_000);

/** An authenticator app that never shows a step twice (the service accepts each step once). */
export class TestAuthenticator {
  private last = -1;
  constructor(readonly secret: string) {}

  /** A fresh code: the current step, else the next one (still inside the ±1 window). */
  next(): string {
    const now = currentStep();
    const step = Math.max(now, this.last + 1);
    if (step > now + 1) throw new Error('no unused step left in the window: wait 30 s');
    this.last = step;
    return totpAt(this.secret, step);
  }

  /** The code last handed out, again (a replay). */
  again(): string {
    return totpAt(this.secret, this.last);
  }

  /** A 6-digit code that matches no step of the window. */
  wrong(): string {
    const now = currentStep();
    const valid = new Set([now - 1, now, now + 1, now + 2].map((s) => totpAt(this.secret, s)));
    for (let n = 0; ; n++) {
      const candidate = String((123_456 + n * 7_919) % 1_000_000).padStart(6, '0');
      if (!valid.has(candidate)) return candidate;
    }
  }
}
