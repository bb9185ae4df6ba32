import { describe, expect, it } from 'vitest';
import type { RateLimiter } from '../../src/application/ports/rate-limiter.port.js';
import type { RateLimits } from '../../src/infrastructure/rate-limiting/fixed-window.js';

export interface RateLimiterSubject {
  readonly limiter: RateLimiter;
  /** Another instance sharing the same budgets (its own connection), where the adapter has one. */
  readonly other?: RateLimiter;
}

/** `create` gives limiters over fresh storage that read the time from `now`. */
export type RateLimiterFactory = (limits: RateLimits, now: () => Date) => Promise<RateLimiterSubject>;

const LIMITS: RateLimits = { loginPerMinute: 3, registerPerHour: 2 };
// 10 s into a minute slot (and 10 s into an hour slot).
const START = new Date('2026-03-01T10:00:10.000Z');

const statusesOf = async (decisions: Promise<{ allowed: boolean }>[]): Promise<number> =>
  (await Promise.all(decisions)).filter((d) => d.allowed).length;

export function describeRateLimiterContract(label: string, create: RateLimiterFactory): void {
  describe(`${label}: RateLimiter contract`, () => {
    it('allows `limit` attempts per key and window, then refuses until the window ends', async () => {
      let now = START;
      const { limiter } = await create(LIMITS, () => now);
      for (let i = 0; i < 3; i++)
        expect(await limiter.consume('login', 'a')).toEqual({ allowed: true, retryAfterSeconds: 0 });
      expect(await limiter.consume('login', 'a')).toEqual({ allowed: false, retryAfterSeconds: 50 });
      now = new Date('2026-03-01T10:00:59.500Z');
      expect(await limiter.consume('login', 'a')).toEqual({ allowed: false, retryAfterSeconds: 1 });
      now = new Date('2026-03-01T10:01:00.000Z');
      expect(await limiter.consume('login', 'a')).toEqual({ allowed: true, retryAfterSeconds: 0 });
    });

    it('keeps keys and actions apart; registrations have an hourly window', async () => {
      const { limiter } = await create(LIMITS, () => START);
      for (let i = 0; i < 3; i++) expect((await limiter.consume('login', 'a')).allowed).toBe(true);
      expect((await limiter.consume('login', 'a')).allowed).toBe(false);
      expect((await limiter.consume('login', 'b')).allowed).toBe(true);
      expect((await limiter.consume('register', 'a')).allowed).toBe(true);
      expect((await limiter.consume('register', 'a')).allowed).toBe(true);
      expect(await limiter.consume('register', 'a')).toEqual({ allowed: false, retryAfterSeconds: 3590 });
    });

    it('lets exactly `limit` of many concurrent attempts through, across instances too', async () => {
      const limits = { loginPerMinute: 30, registerPerHour: 1 };
      const { limiter, other } = await create(limits, () => START);
      const instances = [limiter, other ?? limiter];
      const allowed = await statusesOf(
        Array.from({ length: 100 }, (_, i) => instances[i % 2]!.consume('login', 'attacker')),
      );
      expect(allowed).toBe(30);
      // Both instances then refuse (the one whose hint is behind learns it from the store).
      expect((await limiter.consume('login', 'attacker')).allowed).toBe(false);
      expect((await instances[1]!.consume('login', 'attacker')).allowed).toBe(false);
    });

    it('a second instance that starts late still counts what the first one took', async () => {
      const { limiter, other } = await create(LIMITS, () => START);
      const late = other ?? limiter;
      expect((await limiter.consume('login', 'k')).allowed).toBe(true);
      expect((await limiter.consume('login', 'k')).allowed).toBe(true);
      expect((await late.consume('login', 'k')).allowed).toBe(true);
      expect((await late.consume('login', 'k')).allowed).toBe(false);
      expect((await limiter.consume('login', 'k')).allowed).toBe(false);
    });

    it('an instance far behind the other still stops at the limit', async () => {
      const { limiter, other } = await create({ loginPerMinute: 50, registerPerHour: 1 }, () => START);
      const late = other ?? limiter;
      for (let i = 0; i < 37; i++) expect((await limiter.consume('login', 'far')).allowed).toBe(true);
      let allowed = 0;
      for (let i = 0; i < 20; i++) if ((await late.consume('login', 'far')).allowed) allowed += 1;
      expect(allowed).toBe(13);
      expect((await limiter.consume('login', 'far')).allowed).toBe(false);
    });
  });
}
