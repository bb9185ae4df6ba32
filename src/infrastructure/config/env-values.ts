import { z } from 'zod';
import { parseDurationSeconds } from './duration.js';

// The value shapes of the environment's variables; each names its range in the one-line refusal.

export const duration = (min: number, max: number) =>
  z.string().transform((raw, ctx) => {
    // Zero is only a value where the minimum allows it (e.g. REFRESH_REUSE_GRACE=0: no grace).
    const seconds = min === 0 && /^0[smhd]?$/.test(raw.trim()) ? 0 : parseDurationSeconds(raw);
    if (seconds === null || seconds < min || seconds > max) {
      ctx.addIssue({
        code: 'custom',
        message: `must be a duration like 900s, 15m, 12h or 7d, from ${min}s to ${max}s`,
      });
      return z.NEVER;
    }
    return seconds;
  });

/** A hop count; the boolean spellings of earlier versions mean none and one. */
export const proxyHops = z
  .string()
  .regex(/^(true|false|yes|no|\d{1,2})$/, 'must be false, true or a number of proxies from 0 to 99')
  .transform((v) => (v === 'true' || v === 'yes' ? 1 : v === 'false' || v === 'no' ? 0 : Number(v)));

export const integer = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, `must be a whole number from ${min} to ${max}`)
    .transform(Number)
    .pipe(z.number().int().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));
