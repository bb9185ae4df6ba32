import { DomainError } from '../shared/domain-error.js';
import type { Recorded } from '../shared/event.js';
import {
  MFA_CHALLENGE_MAX_FAILURES,
  type MfaChallengeFailed,
  type MfaEvent,
  type MfaFactor,
} from './mfa.events.js';
import { invalidCode } from '../shared/refusals.js';

export interface MfaChallenge {
  readonly challengeId: string;
  readonly tokenDigest: string;
  readonly expiresAt: Date;
  readonly deviceId: string | null;
  readonly failures: number;
}

export interface MfaState {
  readonly enabled: boolean;
  /** The active secret (sealed), while enabled. */
  readonly sealedSecret: string | null;
  /** An enrollment started and not yet confirmed. */
  readonly pendingSecret: string | null;
  readonly recoveryCodeDigests: readonly string[];
  /** No TOTP code of this step or an earlier one is accepted again (RFC 6238 §5.2). */
  readonly lastAcceptedStep: number;
  /** Open login challenges; expired and dead ones are dropped as later events are folded. */
  readonly challenges: readonly MfaChallenge[];
}

export const initialMfaState = (): MfaState => ({
  enabled: false,
  sealedSecret: null,
  pendingSecret: null,
  recoveryCodeDigests: [],
  lastAcceptedStep: -1,
  challenges: [],
});

/** What the caller found out about a code before deciding: a matched TOTP step, or a recovery-code digest. */
export type MfaAnswer =
  | { readonly factor: 'totp'; readonly step: number | null }
  | { readonly factor: 'recovery_code'; readonly codeDigest: string };

export type MfaCommand =
  | { readonly type: 'StartMfaEnrollment'; readonly sealedSecret: string }
  | {
      readonly type: 'ConfirmMfaEnrollment';
      readonly step: number | null;
      readonly recoveryCodeDigests: readonly string[];
    }
  | {
      readonly type: 'DisableMfa';
      readonly actorId: string;
      /** A user proves a factor; an administrator resets without one. */
      readonly by: 'user' | 'admin';
      readonly answer?: MfaAnswer;
    }
  | {
      readonly type: 'IssueMfaChallenge';
      readonly challengeId: string;
      readonly tokenDigest: string;
      readonly expiresAt: Date;
      readonly deviceId: string | null;
    }
  | {
      readonly type: 'AnswerMfaChallenge';
      readonly challengeId: string;
      readonly tokenDigest: string;
      readonly deviceId: string | null;
      readonly now: Date;
      readonly answer: MfaAnswer;
    };

/** Whether a decided answer proved the factor; a failure is an event too (the audit trail), not a throw. */
export type MfaOutcome = 'passed' | 'failed';

const open = (challenges: readonly MfaChallenge[], at: Date): MfaChallenge[] =>
  challenges.filter((c) => c.expiresAt.getTime() > at.getTime() && c.failures < MFA_CHALLENGE_MAX_FAILURES);

export function evolveMfa(state: MfaState, event: Recorded<MfaEvent>): MfaState {
  const challenges = open(state.challenges, event.occurredAt);
  switch (event.type) {
    case 'MfaEnrollmentStarted':
      return { ...state, challenges, pendingSecret: event.data.sealedSecret };
    case 'MfaEnabled':
      return {
        ...state,
        challenges,
        enabled: true,
        sealedSecret: state.pendingSecret,
        pendingSecret: null,
        recoveryCodeDigests: event.data.recoveryCodeDigests,
        lastAcceptedStep: Math.max(state.lastAcceptedStep, event.data.step),
      };
    case 'MfaDisabled':
      // The last step stays: a code seen once is never good again, whatever secret comes next.
      return { ...initialMfaState(), lastAcceptedStep: state.lastAcceptedStep };
    case 'MfaChallengeIssued': {
      const d = event.data;
      const issued: MfaChallenge = {
        challengeId: d.challengeId,
        tokenDigest: d.tokenDigest,
        expiresAt: new Date(d.expiresAt),
        deviceId: d.deviceId,
        failures: 0,
      };
      return { ...state, challenges: [...challenges, issued] };
    }
    case 'MfaChallengePassed':
      return {
        ...state,
        challenges: challenges.filter((c) => c.challengeId !== event.data.challengeId),
        lastAcceptedStep: Math.max(state.lastAcceptedStep, event.data.step ?? -1),
      };
    case 'MfaChallengeFailed':
      return {
        ...state,
        challenges: open(
          challenges.map((c) =>
            c.challengeId === event.data.challengeId ? { ...c, failures: c.failures + 1 } : c,
          ),
          event.occurredAt,
        ),
      };
    case 'RecoveryCodeUsed':
      return {
        ...state,
        challenges,
        recoveryCodeDigests: state.recoveryCodeDigests.filter((d) => d !== event.data.codeDigest),
      };
  }
}

export const challengeRefused = (): DomainError =>
  new DomainError(
    'mfa_challenge_failed',
    'The code is wrong or already used, or the mfa_token is expired or spent; log in again for a new one.',
  );

/** The open challenge a token names, if it is still good (not expired, not killed, same device). */
export function openChallenge(
  state: MfaState,
  challengeId: string,
  tokenDigest: string,
  now: Date,
): MfaChallenge | null {
  const challenge = open(state.challenges, now).find((c) => c.challengeId === challengeId);
  return challenge !== undefined && challenge.tokenDigest === tokenDigest ? challenge : null;
}

type Verdict =
  | { passed: true; step?: number; codeDigest?: string }
  | { passed: false; reason: MfaChallengeFailed['data']['reason'] };

/** A TOTP code counts once: its step must be later than the last accepted one. */
function verdictOf(state: MfaState, answer: MfaAnswer): Verdict {
  if (answer.factor === 'recovery_code') {
    return state.recoveryCodeDigests.includes(answer.codeDigest)
      ? { passed: true, codeDigest: answer.codeDigest }
      : { passed: false, reason: 'wrong_code' };
  }
  if (answer.step === null) return { passed: false, reason: 'wrong_code' };
  if (answer.step <= state.lastAcceptedStep) return { passed: false, reason: 'code_already_used' };
  return { passed: true, step: answer.step };
}

function answered(
  userId: string,
  state: MfaState,
  challengeId: string | null,
  answer: MfaAnswer,
): { events: MfaEvent[]; outcome: MfaOutcome } {
  const factor: MfaFactor = answer.factor;
  const verdict = verdictOf(state, answer);
  if (!verdict.passed) {
    return {
      events: [{ type: 'MfaChallengeFailed', data: { userId, challengeId, factor, reason: verdict.reason } }],
      outcome: 'failed',
    };
  }
  const events: MfaEvent[] = [
    {
      type: 'MfaChallengePassed',
      data: { userId, challengeId, factor, ...(verdict.step !== undefined ? { step: verdict.step } : {}) },
    },
  ];
  if (verdict.codeDigest !== undefined) {
    const remaining = state.recoveryCodeDigests.length - 1;
    events.push({ type: 'RecoveryCodeUsed', data: { userId, codeDigest: verdict.codeDigest, remaining } });
  }
  return { events, outcome: 'passed' };
}

export function decideMfa(
  command: MfaCommand,
  userId: string,
  state: MfaState,
): MfaEvent[] | { events: MfaEvent[]; outcome: MfaOutcome } {
  switch (command.type) {
    case 'StartMfaEnrollment':
      if (state.enabled) throw new DomainError('conflict', 'MFA is already enabled; turn it off first.');
      return [{ type: 'MfaEnrollmentStarted', data: { userId, sealedSecret: command.sealedSecret } }];
    case 'ConfirmMfaEnrollment': {
      if (state.enabled) throw new DomainError('conflict', 'MFA is already enabled.');
      if (state.pendingSecret === null)
        throw new DomainError('conflict', 'No enrollment was started: POST /users/me/mfa/totp first.');
      const step = command.step;
      if (step === null || step <= state.lastAcceptedStep) throw invalidCode();
      return [
        { type: 'MfaEnabled', data: { userId, recoveryCodeDigests: command.recoveryCodeDigests, step } },
      ];
    }
    case 'DisableMfa': {
      if (!state.enabled) {
        if (command.by === 'admin') return [];
        throw new DomainError('conflict', 'MFA is not enabled.');
      }
      const disabled: MfaEvent = {
        type: 'MfaDisabled',
        data: { userId, actorId: command.actorId, by: command.by },
      };
      if (command.by === 'admin') return { events: [disabled], outcome: 'passed' };
      if (command.answer === undefined) throw invalidCode();
      const decided = answered(userId, state, null, command.answer);
      if (decided.outcome === 'passed') decided.events.push(disabled);
      return decided;
    }
    case 'IssueMfaChallenge': {
      if (!state.enabled) throw new DomainError('conflict', 'MFA is not enabled.');
      const data = {
        userId,
        challengeId: command.challengeId,
        tokenDigest: command.tokenDigest,
        expiresAt: command.expiresAt.toISOString(),
        deviceId: command.deviceId,
      };
      return [{ type: 'MfaChallengeIssued', data }];
    }
    case 'AnswerMfaChallenge': {
      const challenge = openChallenge(state, command.challengeId, command.tokenDigest, command.now);
      // A challenge issued to a trusted device answers only from that device.
      const wrongDevice = challenge?.deviceId != null && challenge.deviceId !== command.deviceId;
      if (!state.enabled || challenge === null || wrongDevice) throw challengeRefused();
      return answered(userId, state, challenge.challengeId, command.answer);
    }
  }
}
