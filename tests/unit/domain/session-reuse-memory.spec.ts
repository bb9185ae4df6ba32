/**
 * Issue 15 (first bullet) and issue 9 finding 16: the session keeps its current digest and a
 * bounded memory of superseded ones, so folding a long-lived session is linear, while reuse of a
 * digest older than the memory is still detected and a racing tab within the grace revokes nothing.
 */
import { decisionOf } from '../../../src/domain/shared/decider.js';
import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import {
  decideSession,
  evolveSession,
  initialSessionState,
  REMEMBERED_DIGESTS,
  type OpenedSession,
  type SessionState,
} from '../../../src/domain/session/session.decider.js';
import { DomainError } from '../../../src/domain/shared/domain-error.js';

/** The events a session decision appends, whatever it says besides. */
const eventsOf = (...args: Parameters<typeof decideSession>) => decisionOf(decideSession(...args)).events;

const ids = { sessionId: 's-1', userId: 'u-1' };
const T0 = Date.parse('2026-01-01T00:00:00Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000);
const DAY = 86_400_000;

/** A session logged in at T0 and refreshed `n` times, one minute apart (digest i = `d<i>`). */
function refreshedTimes(n: number): SessionState {
  let state = evolveSession(initialSessionState(), {
    type: 'LoggedIn',
    data: {
      ...ids,
      identifier: 'a@example.com',
      refreshTokenDigest: 'd0',
      expiresAt: at(7 * 86_400).toISOString(),
      ip: null,
      userAgent: null,
    },
    occurredAt: at(0),
  });
  for (let i = 1; i <= n; i++) {
    state = evolveSession(state, {
      type: 'TokenRefreshed',
      data: { ...ids, refreshTokenDigest: `d${i}`, expiresAt: at(i * 60 + 7 * 86_400).toISOString() },
      occurredAt: at(i * 60),
    });
  }
  return state;
}

const refresh = (
  presentedDigest: string,
  now: Date,
  options: { graceMs?: number; maxLifetimeMs?: number } = {},
) =>
  ({
    type: 'RefreshSession',
    presentedDigest,
    newDigest: 'next',
    expiresAt: new Date(now.getTime() + 7 * DAY),
    now,
    reuseGraceMs: options.graceMs ?? 5000,
    maxLifetimeMs: options.maxLifetimeMs ?? 365 * DAY,
  }) as const;

const failureOf = (run: () => unknown): string | undefined => {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
  return undefined;
};

describe('session reuse memory (issue 15) and reuse grace (finding 16)', () => {
  it('remembers at most REMEMBERED_DIGESTS superseded digests and counts the forgotten', () => {
    const state = refreshedTimes(100) as OpenedSession;
    expect(state.currentDigest).toBe('d100');
    expect(state.supersededDigests).toHaveLength(REMEMBERED_DIGESTS);
    expect(state.supersededDigests[0]).toEqual({ digest: 'd99', rotatedAt: at(100 * 60) });
    expect(state.forgottenDigests).toBe(100 - REMEMBERED_DIGESTS);
  });

  it('within the grace a superseded token is refused without revoking; after it, reuse revokes', () => {
    const state = refreshedTimes(3);
    const rotatedAt = 3 * 60;
    expect(failureOf(() => eventsOf(refresh('d2', at(rotatedAt + 4)), state))).toBe('refresh_token_invalid');
    expect(eventsOf(refresh('d2', at(rotatedAt + 6)), state).map((e) => e.type)).toEqual([
      'RefreshTokenReuseDetected',
      'LoggedOut',
    ]);
    // A token superseded long ago is reuse even right after the latest rotation.
    expect(eventsOf(refresh('d0', at(rotatedAt + 1)), state).map((e) => e.type)).toEqual([
      'RefreshTokenReuseDetected',
      'LoggedOut',
    ]);
  });

  it('detects reuse of a digest older than the memory', () => {
    const state = refreshedTimes(3 * REMEMBERED_DIGESTS);
    expect(eventsOf(refresh('d1', at(10 * 86_400)), state).map((e) => e.type)).toEqual([
      'RefreshTokenReuseDetected',
      'LoggedOut',
    ]);
  });

  it('a never-issued digest revokes nothing while the memory still holds every digest', () => {
    const state = refreshedTimes(REMEMBERED_DIGESTS);
    expect(failureOf(() => eventsOf(refresh('forged', at(10 * 86_400)), state))).toBe(
      'refresh_token_invalid',
    );
  });

  it('finding 10: a rotation never reaches past the login plus the maximum lifetime', () => {
    const state = refreshedTimes(2);
    const [event] = eventsOf(refresh('d2', at(3600), { maxLifetimeMs: 2 * 3600_000 }), state);
    expect(event?.type === 'TokenRefreshed' && event.data.expiresAt).toBe(at(2 * 3600).toISOString());
    expect(
      failureOf(() => eventsOf(refresh('d2', at(2 * 3600), { maxLifetimeMs: 2 * 3600_000 }), state)),
    ).toBe('refresh_token_invalid');
  });

  it('folding 300, 1,000 and 3,000 refreshes is linear (was quadratic: 2.9, 27, 223 ms)', () => {
    refreshedTimes(3000); // warm-up
    const timeOf = (n: number): number => {
      const runs = [0, 1, 2].map(() => {
        const start = performance.now();
        refreshedTimes(n);
        return performance.now() - start;
      });
      return Math.min(...runs);
    };
    const [t300, t1000, t3000] = [timeOf(300), timeOf(1000), timeOf(3000)];
    console.info(
      `session fold: 300 → ${t300.toFixed(2)} ms, 1,000 → ${t1000.toFixed(2)} ms, 3,000 → ${t3000.toFixed(2)} ms`,
    );
    // Linear: 10× the events costs ~10× (quadratic would be 100×); generous for a shared machine.
    expect(t3000).toBeLessThan(Math.max(t300, 0.2) * 30);
    expect(t3000).toBeLessThan(50);
  });
});
