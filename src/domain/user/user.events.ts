import type { DomainEvent } from '../shared/event.js';
import { ACCOUNT_RECOVERY_EVENT_TYPES, type AccountRecoveryEvent } from './account-recovery.events.js';
import { MFA_EVENT_TYPES, type MfaEvent } from './mfa.events.js';
import type { Role } from './role.js';

/** Data of the events in a `user-<id>` stream. The password hash is state, never a public view. */
export type UserRegistered = DomainEvent<
  'UserRegistered',
  {
    readonly userId: string;
    readonly email: string;
    readonly username: string | null;
    readonly fullName: string | null;
    readonly passwordHash: string;
    readonly role: Role;
  }
>;
export type UserProfileUpdated = DomainEvent<
  'UserProfileUpdated',
  { readonly userId: string; readonly fullName: string | null; readonly username: string | null }
>;
export type UserEmailChanged = DomainEvent<
  'UserEmailChanged',
  { readonly userId: string; readonly previousEmail: string; readonly email: string }
>;
export type PasswordChanged = DomainEvent<
  'PasswordChanged',
  { readonly userId: string; readonly passwordHash: string }
>;
export type UserRoleChanged = DomainEvent<
  'UserRoleChanged',
  { readonly userId: string; readonly previousRole: Role; readonly role: Role }
>;
export type UserDeactivated = DomainEvent<'UserDeactivated', { readonly userId: string }>;
export type UserReactivated = DomainEvent<'UserReactivated', { readonly userId: string }>;

/** Who asked for an erasure: the user themself (DELETE /users/me) or an administrator. */
export type ErasureReason = 'user-request' | 'admin';
/**
 * The account is erased (GDPR art. 17): its data key is destroyed, so every personal field of
 * its events reads as null from now on; its events, their times, outcomes and hashes stay.
 * Nothing ever happens to the account again.
 */
export type UserErased = DomainEvent<
  'UserErased',
  { readonly userId: string; readonly actorId: string; readonly reason: ErasureReason }
>;

/**
 * Every session of the user that started before this event is over, except `keptSessionId` (the
 * session that changed the password keeps working). Recorded in the user's own stream, so
 * "revoke all sessions" holds even for a session missing from the sessions read model (which an
 * operator with database access could edit): a refresh checks it against the user stream.
 */
export type AllSessionsEnded = DomainEvent<
  'AllSessionsEnded',
  {
    readonly userId: string;
    readonly reason: 'logout-all' | 'password-change' | 'admin' | 'deactivation' | 'erasure';
    readonly keptSessionId: string | null;
  }
>;

export type UserEvent =
  | UserRegistered
  | UserProfileUpdated
  | UserEmailChanged
  | PasswordChanged
  | UserRoleChanged
  | UserDeactivated
  | UserReactivated
  | UserErased
  | MfaEvent
  | AccountRecoveryEvent
  | AllSessionsEnded;

export const USER_EVENT_TYPES: readonly UserEvent['type'][] = [
  'UserRegistered',
  'UserProfileUpdated',
  'UserEmailChanged',
  'PasswordChanged',
  'UserRoleChanged',
  'UserDeactivated',
  'UserReactivated',
  'UserErased',
  ...MFA_EVENT_TYPES,
  ...ACCOUNT_RECOVERY_EVENT_TYPES,
];

export const userStreamId = (userId: string): string => `user-${userId}`;
