import type { Decider, Decision } from '../shared/decider.js';
import { DomainError } from '../shared/domain-error.js';
import type { Recorded } from '../shared/event.js';
import {
  decideRecovery,
  evolveRecovery,
  initialRecoveryState,
  isRecoveryCommand,
  type RecoveryState,
} from './account-recovery.js';
import { decideMfa, evolveMfa, initialMfaState, type MfaOutcome, type MfaState } from './mfa.js';
import type { Role } from './role.js';
import type { UserCommand } from './user.commands.js';
import type { AllSessionsEnded, UserEvent } from './user.events.js';

export interface RegisteredUser {
  readonly status: 'active' | 'deactivated';
  readonly id: string;
  readonly email: string;
  readonly username: string | null;
  readonly fullName: string | null;
  readonly passwordHash: string;
  readonly role: Role;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  /** The second factor: secrets sealed, recovery codes as digests, open login challenges. */
  readonly mfa: MfaState;
  /** The latest `AllSessionsEnded`: sessions started before `at` are over, except `kept`. */
  readonly sessionsEnded: {
    readonly at: Date;
    readonly kept: string | null;
    readonly reason: AllSessionsEnded['data']['reason'];
  } | null;
  /** Email proof, outstanding reset and verification tokens, device cut-off. */
  readonly recovery: RecoveryState;
}
/** What is left of an erased account: its id and when; nothing can happen to it any more. */
export interface ErasedUser {
  readonly status: 'erased';
  readonly id: string;
  readonly createdAt: Date;
  readonly erasedAt: Date;
}
export type UserState = { readonly status: 'unregistered' } | RegisteredUser | ErasedUser;

export const initialUserState = (): UserState => ({ status: 'unregistered' });

/** An account that exists and was not erased. */
export const isRegistered = (state: UserState): state is RegisteredUser =>
  state.status === 'active' || state.status === 'deactivated';

export function evolveUser(state: UserState, event: Recorded<UserEvent>): UserState {
  if (event.type === 'UserRegistered') {
    const d = event.data;
    return {
      status: 'active',
      id: d.userId,
      email: d.email,
      username: d.username,
      fullName: d.fullName,
      passwordHash: d.passwordHash,
      role: d.role,
      createdAt: event.occurredAt,
      updatedAt: event.occurredAt,
      mfa: initialMfaState(),
      sessionsEnded: null,
      recovery: initialRecoveryState(),
    };
  }
  if (!isRegistered(state)) return state;
  if (event.type === 'UserErased') {
    return { status: 'erased', id: state.id, createdAt: state.createdAt, erasedAt: event.occurredAt };
  }
  const recovery = evolveRecovery(state.recovery, event);
  return evolveAccount(recovery === state.recovery ? state : { ...state, recovery }, event);
}

function evolveAccount(state: RegisteredUser, event: Recorded<UserEvent>): UserState {
  const at = { updatedAt: event.occurredAt };
  switch (event.type) {
    case 'UserProfileUpdated':
      return { ...state, ...at, fullName: event.data.fullName, username: event.data.username };
    case 'UserEmailChanged':
      return { ...state, ...at, email: event.data.email };
    case 'PasswordChanged':
      // Open MFA challenges were bound to the old password's check: they die with it.
      return {
        ...state,
        ...at,
        passwordHash: event.data.passwordHash,
        mfa: { ...state.mfa, challenges: [] },
      };
    case 'UserRoleChanged':
      return { ...state, ...at, role: event.data.role };
    case 'UserDeactivated':
      return { ...state, ...at, status: 'deactivated' };
    case 'UserReactivated':
      return { ...state, ...at, status: 'active' };
    // Not a change to the account: `updatedAt` stays.
    case 'AllSessionsEnded':
      return {
        ...state,
        sessionsEnded: { at: event.occurredAt, kept: event.data.keptSessionId, reason: event.data.reason },
      };
    case 'MfaEnabled':
    case 'MfaDisabled':
      return { ...state, ...at, mfa: evolveMfa(state.mfa, event) };
    case 'EmailVerified':
      return { ...state, ...at };
    case 'PasswordResetRequested':
    case 'PasswordResetCompleted':
    case 'EmailVerificationRequested':
    case 'UserRegistered':
    case 'UserErased':
      return state;
    default:
      return { ...state, mfa: evolveMfa(state.mfa, event) };
  }
}

const registered = (state: UserState): RegisteredUser => {
  if (state.status === 'erased') throw new DomainError('user_erased', 'The user was erased.');
  if (state.status === 'unregistered') throw new DomainError('user_not_found', 'The user does not exist.');
  return state;
};

/** Returns the events a command causes; an empty list means it changes nothing (idempotent). */
export function decideUser(
  command: UserCommand,
  state: UserState,
): UserEvent[] | Decision<UserEvent, MfaOutcome> {
  if (command.type === 'RegisterUser') {
    if (state.status !== 'unregistered') {
      throw new DomainError('email_taken', 'An account with this email already exists.');
    }
    const { userId, email, username, fullName, passwordHash, role } = command;
    return [{ type: 'UserRegistered', data: { userId, email, username, fullName, passwordHash, role } }];
  }
  if (command.type === 'Erase') {
    if (state.status === 'erased') return [];
    const { id: userId } = registered(state);
    return [{ type: 'UserErased', data: { userId, actorId: command.actorId, reason: command.reason } }];
  }
  const user = registered(state);
  const userId = user.id;
  switch (command.type) {
    case 'UpdateProfile': {
      const fullName = command.fullName === undefined ? user.fullName : command.fullName;
      const username = command.username === undefined ? user.username : command.username;
      if (fullName === user.fullName && username === user.username) return [];
      return [{ type: 'UserProfileUpdated', data: { userId, fullName, username } }];
    }
    case 'ChangeEmail':
      if (command.email === user.email) return [];
      return [
        { type: 'UserEmailChanged', data: { userId, previousEmail: user.email, email: command.email } },
      ];
    case 'ChangePassword':
      if (user.status !== 'active') throw new DomainError('account_inactive', 'The account is deactivated.');
      return [{ type: 'PasswordChanged', data: { userId, passwordHash: command.passwordHash } }];
    case 'ChangeRole':
      if (command.role === user.role) return [];
      return [{ type: 'UserRoleChanged', data: { userId, previousRole: user.role, role: command.role } }];
    case 'Deactivate':
      return user.status === 'deactivated' ? [] : [{ type: 'UserDeactivated', data: { userId } }];
    case 'Reactivate':
      return user.status === 'active' ? [] : [{ type: 'UserReactivated', data: { userId } }];
    case 'EndAllSessions': {
      // A session an earlier cut-off ended is never kept alive by a later one.
      const { keep } = command;
      const kept =
        keep !== null && !sessionEndedByUser(user, keep.sessionId, keep.startedAt) ? keep.sessionId : null;
      return [{ type: 'AllSessionsEnded', data: { userId, reason: command.reason, keptSessionId: kept } }];
    }
    default:
      if (isRecoveryCommand(command)) {
        return decideRecovery(
          command,
          { id: userId, email: user.email, active: user.status === 'active' },
          user.recovery,
        );
      }
      return decideMfa(command, userId, user.mfa);
  }
}

/**
 * Whether an `AllSessionsEnded` of the user ended this session (started at `startedAt`). Only the
 * latest cut-off is needed: it ends every older session but the one it kept, and that one was
 * not ended by any earlier cut-off (the decider refuses to keep such a session).
 */
export function sessionEndedByUser(user: RegisteredUser, sessionId: string, startedAt: Date): boolean {
  const ended = user.sessionsEnded;
  return ended !== null && startedAt < ended.at && sessionId !== ended.kept;
}

export const userDecider: Decider<UserCommand, UserEvent, UserState, MfaOutcome> = {
  initialState: initialUserState,
  evolve: evolveUser,
  decide: decideUser,
};
