import { describe, expect, it } from 'vitest';
import { userDecider } from '../../../src/domain/user/user.decider.js';
import type { UserEvent } from '../../../src/domain/user/user.events.js';
import { deciderSpec } from '../../support/decider-spec.js';

const spec = deciderSpec(userDecider);
const userId = 'u-1';
const registered: UserEvent = {
  type: 'UserRegistered',
  data: { userId, email: 'a@example.com', username: null, fullName: null, passwordHash: 'h', role: 'user' },
};
const started: UserEvent = { type: 'MfaEnrollmentStarted', data: { userId, sealedSecret: 'v1.sealed' } };
const enabled: UserEvent = {
  type: 'MfaEnabled',
  data: { userId, recoveryCodeDigests: ['r1', 'r2'], step: 100 },
};
const issued: UserEvent = {
  type: 'MfaChallengeIssued',
  data: { userId, challengeId: 'c1', tokenDigest: 'd1', expiresAt: '2026-01-01T00:05:00Z', deviceId: null },
};
const AT = new Date('2026-01-01T00:00:00Z');
const answer = (step: number | null) =>
  ({
    type: 'AnswerMfaChallenge',
    challengeId: 'c1',
    tokenDigest: 'd1',
    deviceId: null,
    now: AT,
    answer: { factor: 'totp', step },
  }) as const;
const failed = (reason: 'wrong_code' | 'code_already_used'): UserEvent => ({
  type: 'MfaChallengeFailed',
  data: { userId, challengeId: 'c1', factor: 'totp', reason },
});

describe('user decider: the second factor', () => {
  it('starts an enrollment, and refuses one while MFA is on', () => {
    spec.given([registered]).when({ type: 'StartMfaEnrollment', sealedSecret: 'v1.sealed' }).then([started]);
    spec
      .given([registered, started, enabled])
      .when({ type: 'StartMfaEnrollment', sealedSecret: 'x' })
      .thenFails('conflict');
  });

  it('confirms with a matched step, refuses without one', () => {
    spec
      .given([registered, started])
      .when({ type: 'ConfirmMfaEnrollment', step: 100, recoveryCodeDigests: ['r1', 'r2'] })
      .then([enabled]);
    spec
      .given([registered, started])
      .when({ type: 'ConfirmMfaEnrollment', step: null, recoveryCodeDigests: [] })
      .thenFails('invalid_code');
  });

  it('accepts a later step once; the confirming step and replays fail (and are recorded)', () => {
    spec
      .given([registered, started, enabled, issued])
      .when(answer(101))
      .then(
        [{ type: 'MfaChallengePassed', data: { userId, challengeId: 'c1', factor: 'totp', step: 101 } }],
        'passed',
      );
    spec
      .given([registered, started, enabled, issued])
      .when(answer(100))
      .then([failed('code_already_used')], 'failed');
    spec
      .given([registered, started, enabled, issued])
      .when(answer(null))
      .then([failed('wrong_code')], 'failed');
  });

  it('kills a challenge after 5 wrong answers, and after it was passed', () => {
    const five = Array.from({ length: 5 }, () => failed('wrong_code'));
    spec
      .given([registered, started, enabled, issued, ...five])
      .when(answer(101))
      .thenFails('mfa_challenge_failed');
    const passed: UserEvent = {
      type: 'MfaChallengePassed',
      data: { userId, challengeId: 'c1', factor: 'totp', step: 101 },
    };
    spec
      .given([registered, started, enabled, issued, passed])
      .when(answer(102))
      .thenFails('mfa_challenge_failed');
  });

  it('uses a recovery code once', () => {
    const command = {
      type: 'AnswerMfaChallenge',
      challengeId: 'c1',
      tokenDigest: 'd1',
      deviceId: null,
      now: AT,
      answer: { factor: 'recovery_code', codeDigest: 'r1' },
    } as const;
    spec
      .given([registered, started, enabled, issued])
      .when(command)
      .then(
        [
          { type: 'MfaChallengePassed', data: { userId, challengeId: 'c1', factor: 'recovery_code' } },
          { type: 'RecoveryCodeUsed', data: { userId, codeDigest: 'r1', remaining: 1 } },
        ],
        'passed',
      );
  });

  it('an admin resets without a code; a user needs one', () => {
    const byAdmin: UserEvent = { type: 'MfaDisabled', data: { userId, actorId: 'admin-1', by: 'admin' } };
    spec
      .given([registered, started, enabled])
      .when({ type: 'DisableMfa', actorId: 'admin-1', by: 'admin' })
      .then([byAdmin], 'passed');
    spec.given([registered]).when({ type: 'DisableMfa', actorId: 'admin-1', by: 'admin' }).then([]);
    spec
      .given([registered, started, enabled])
      .when({ type: 'DisableMfa', actorId: userId, by: 'user' })
      .thenFails('invalid_code');
    const state = [registered, started, enabled].reduce(
      (s, e) => userDecider.evolve(s, { ...e, occurredAt: AT }),
      userDecider.initialState(),
    );
    expect(state.status === 'active' && state.mfa.sealedSecret).toBe('v1.sealed');
  });
});
