import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decisionOf, type Decision } from '../../../src/domain/shared/decider.js';
import { sessionDecider } from '../../../src/domain/session/session.decider.js';
import { userDecider } from '../../../src/domain/user/user.decider.js';
import { loginOutcome } from '../../../src/domain/login-attempt/login-outcome.js';
import { DomainError } from '../../../src/domain/shared/domain-error.js';
import type { SessionCommand, SessionState } from '../../../src/domain/session/session.decider.js';
import type { SessionEvent } from '../../../src/domain/session/session.events.js';
import type { UserCommand } from '../../../src/domain/user/user.commands.js';
import type { UserState } from '../../../src/domain/user/user.decider.js';
import type { UserEvent } from '../../../src/domain/user/user.events.js';
import type { Email } from '../../../src/domain/user/email.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const at = (step: number): Date => new Date(T0 + step * 60_000);

/** Runs commands through decide/evolve as the application does, keeping the recorded history. */
function run<C, E extends { type: string }, S, O>(
  decider: {
    initialState: () => S;
    decide: (c: C, s: S) => E[] | Decision<E, O>;
    evolve: (s: S, e: E & { occurredAt: Date }) => S;
  },
  commands: readonly C[],
): { state: S; history: (E & { occurredAt: Date; version: number })[] } {
  let state = decider.initialState();
  const history: (E & { occurredAt: Date; version: number })[] = [];
  commands.forEach((command, step) => {
    let events: E[] = [];
    try {
      events = decisionOf(decider.decide(command, state)).events;
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
    }
    for (const event of events) {
      const recorded = { ...event, occurredAt: at(step), version: history.length + 1 };
      history.push(recorded);
      state = decider.evolve(state, recorded);
    }
  });
  return { state, history };
}

const replay = <E, S>(
  decider: { initialState: () => S; evolve: (s: S, e: E) => S },
  history: readonly E[],
): S => history.reduce(decider.evolve, decider.initialState());

describe('session decider properties', () => {
  const digest = fc.constantFrom('d0', 'd1', 'd2', 'd3', 'd4', 'd5');
  const command: fc.Arbitrary<SessionCommand> = fc.oneof(
    fc
      .record({ presentedDigest: digest, newDigest: digest, step: fc.integer({ min: 0, max: 20_000 }) })
      .map(({ presentedDigest, newDigest, step }) => ({
        type: 'RefreshSession' as const,
        presentedDigest,
        newDigest,
        expiresAt: at(step + 10_080),
        now: at(step),
        reuseGraceMs: 5000,
        maxLifetimeMs: 30 * 86_400_000,
      })),
    fc.constantFrom<SessionCommand>(
      { type: 'EndSession', reason: 'user' },
      { type: 'EndSession', reason: 'reuse' },
    ),
  );
  const start: SessionCommand = {
    type: 'StartSession',
    sessionId: 's',
    userId: 'u',
    identifier: 'a@example.com',
    refreshTokenDigest: 'd0',
    expiresAt: at(10_080).toISOString(),
    ip: null,
    userAgent: null,
  };

  it('never rotates after revocation, keeps one current token, and replay equals live state', () => {
    fc.assert(
      fc.property(fc.array(command, { maxLength: 40 }), (commands) => {
        const { state, history } = run(sessionDecider, [start, ...commands]);
        const firstLogout = history.findIndex((e) => e.type === 'LoggedOut');
        if (firstLogout >= 0) {
          expect(history.slice(firstLogout + 1).filter((e) => e.type !== 'LoggedOut')).toEqual([]);
          expect(history.filter((e) => e.type === 'LoggedOut')).toHaveLength(1);
        }
        // Exactly one current refresh token: the digest of the last rotation (or of the login).
        const issued = history.filter(
          (
            e,
          ): e is SessionEvent & { type: 'LoggedIn' | 'TokenRefreshed' } & {
            occurredAt: Date;
            version: number;
          } => e.type === 'LoggedIn' || e.type === 'TokenRefreshed',
        );
        const live = state as Exclude<SessionState, { status: 'none' }>;
        expect(live.currentDigest).toBe(issued.at(-1)?.data.refreshTokenDigest);
        expect(history.map((e) => e.version)).toEqual(history.map((_, i) => i + 1));
        expect(replay(sessionDecider, history)).toEqual(state);
      }),
      { numRuns: 300 },
    );
  });
});

describe('user decider properties', () => {
  const command: fc.Arbitrary<UserCommand> = fc.oneof(
    fc.constantFrom<UserCommand>(
      { type: 'Deactivate' },
      { type: 'Reactivate' },
      { type: 'ChangeRole', role: 'admin' },
      { type: 'ChangeRole', role: 'user' },
    ),
    fc
      .string({ maxLength: 8 })
      .map((name) => ({ type: 'UpdateProfile' as const, fullName: name === '' ? null : name })),
    fc
      .constantFrom('a', 'b')
      .map((local) => ({ type: 'ChangeEmail' as const, email: `${local}@example.com` as Email })),
    fc.constantFrom('h1', 'h2').map((passwordHash) => ({ type: 'ChangePassword' as const, passwordHash })),
  );
  const register: UserCommand = {
    type: 'RegisterUser',
    userId: 'u',
    email: 'a@example.com' as Email,
    username: null,
    fullName: null,
    passwordHash: 'h0',
    role: 'user',
  };

  it('keeps status consistent with the last (de)activation, and replay equals live state', () => {
    fc.assert(
      fc.property(fc.array(command, { maxLength: 40 }), (commands) => {
        const { state, history } = run(userDecider, [register, ...commands]);
        const toggles = history.filter(
          (e: UserEvent) => e.type === 'UserDeactivated' || e.type === 'UserReactivated',
        );
        const expected = toggles.at(-1)?.type === 'UserDeactivated' ? 'deactivated' : 'active';
        expect((state as Exclude<UserState, { status: 'unregistered' }>).status).toBe(expected);
        // Idempotent commands never emit twice in a row: no two consecutive identical toggles.
        toggles.forEach((e, i) => expect(e.type).not.toBe(toggles[i - 1]?.type));
        expect(history.filter((e) => e.type === 'UserRegistered')).toHaveLength(1);
        expect(replay(userDecider, history)).toEqual(state);
      }),
      { numRuns: 300 },
    );
  });

  it('never lets a deactivated, locked, rate-limited or wrong-password attempt log in', () => {
    fc.assert(
      fc.property(
        fc.record({
          rateLimited: fc.boolean(),
          locked: fc.boolean(),
          userExists: fc.boolean(),
          passwordMatches: fc.boolean(),
          userActive: fc.boolean(),
        }),
        (facts) => {
          const outcome = loginOutcome(facts);
          const allowed =
            !facts.rateLimited &&
            !facts.locked &&
            facts.userExists &&
            facts.passwordMatches &&
            facts.userActive;
          expect(outcome === 'success').toBe(allowed);
          if (outcome === 'inactive') expect(facts.passwordMatches).toBe(true);
        },
      ),
    );
  });
});
