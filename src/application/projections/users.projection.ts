import type { LoggedIn } from '../../domain/session/session.events.js';
import type { UserEvent } from '../../domain/user/user.events.js';
import { USER_EVENT_TYPES } from '../../domain/user/user.events.js';
import { ERASED_EMAIL, type UserView } from '../ports/user-read-model.port.js';
import { defineProjection } from './projection.js';

/** Login challenges, enrollment attempts and mailed tokens change nothing this view shows: not subscribed. */
type Handled =
  | Exclude<
      UserEvent,
      {
        type:
          | 'MfaEnrollmentStarted'
          | 'MfaChallengeIssued'
          | 'MfaChallengePassed'
          | 'MfaChallengeFailed'
          | 'RecoveryCodeUsed'
          | 'PasswordResetRequested'
          | 'PasswordResetCompleted'
          | 'EmailVerificationRequested';
      }
    >
  | LoggedIn;

const SHOWN_MFA_EVENTS: ReadonlySet<string> = new Set(['MfaEnabled', 'MfaDisabled']);
const UNSHOWN: ReadonlySet<string> = new Set([
  'RecoveryCodeUsed',
  'PasswordResetRequested',
  'PasswordResetCompleted',
  'EmailVerificationRequested',
]);
const HANDLED: ReadonlySet<string> = new Set<string>([
  ...USER_EVENT_TYPES.filter((type) => !type.startsWith('Mfa') && !UNSHOWN.has(type)),
  ...SHOWN_MFA_EVENTS,
  'LoggedIn',
]);

/** The admin list and `/users/me`. The password hash never reaches this view. */
export const usersProjection = defineProjection<UserView, Handled>({
  name: 'users',
  eventTypes: HANDLED,

  documentId(e) {
    return e.data.userId;
  },

  evolve(doc, e) {
    const { at } = e;
    if (e.type === 'UserRegistered') {
      const d = e.data;
      return {
        id: d.userId,
        email: d.email,
        username: d.username,
        fullName: d.fullName,
        role: d.role,
        isActive: true,
        mfaEnabled: false,
        emailVerified: false,
        createdAt: at,
        updatedAt: at,
        lastLoginAt: null,
        seq: e.position,
      };
    }
    // Anything else about a user we never saw registered has nothing to attach to.
    if (doc === null) return null;
    switch (e.type) {
      case 'UserProfileUpdated':
        return { ...doc, fullName: e.data.fullName, username: e.data.username, updatedAt: at };
      case 'UserEmailChanged':
        return { ...doc, email: e.data.email, emailVerified: false, updatedAt: at };
      case 'PasswordChanged':
        return { ...doc, updatedAt: at };
      case 'UserRoleChanged':
        return { ...doc, role: e.data.role, updatedAt: at };
      case 'UserDeactivated':
        return { ...doc, isActive: false, updatedAt: at };
      case 'UserReactivated':
        return { ...doc, isActive: true, updatedAt: at };
      // Counts and times stay; nothing personal does.
      case 'UserErased':
        return {
          ...doc,
          email: ERASED_EMAIL,
          username: null,
          fullName: null,
          isActive: false,
          updatedAt: at,
          erasedAt: at,
        };
      case 'MfaEnabled':
        return { ...doc, mfaEnabled: true, updatedAt: at };
      case 'MfaDisabled':
        return { ...doc, mfaEnabled: false, updatedAt: at };
      case 'EmailVerified':
        return { ...doc, emailVerified: true, updatedAt: at };
      // Sessions are the sessions projection's; `updatedAt` stays.
      case 'AllSessionsEnded':
        return doc;
      // A login is activity, not a change to the account, so `updatedAt` stays.
      case 'LoggedIn':
        return { ...doc, lastLoginAt: at };
    }
  },
});
