import type { EventData } from '../ports/event-store.port.js';

/**
 * Which fields of which events are personal data, and whose. A personal field is stored sealed
 * under its subject's data key (crypto-shredding) and reads as null once that key is destroyed.
 * The subject is the user the event is about; an event about no known user (a login attempt on
 * an unknown identifier, a refused token) has none and is sealed under the key of its period.
 * The addresses and user agents in every event's metadata are personal too, sealed likewise.
 *
 * An attempt (a login, a refusal, a refused token) is kept for `AUDIT_PII_RETENTION` only: its
 * fields are sealed under a key of the user and the day, `user:<id>:period:<day>`, which the
 * retention sweep destroys with the day's key of unknown identifiers. The account's own data
 * (email, name, what it changed) stays under the user's key until the account is erased.
 */
export interface PersonalFields {
  /** The user the event is about, or null. */
  readonly subjectOf: (data: EventData) => string | null;
  readonly fields: readonly string[];
  /** An attempt: its personal fields expire with their period. */
  readonly expires: boolean;
}

const subjectOf = (data: EventData): string | null =>
  typeof data['userId'] === 'string' ? data['userId'] : null;
const ofUser = (...fields: string[]): PersonalFields => ({ subjectOf, fields, expires: false });
const ofAttempt = (...fields: string[]): PersonalFields => ({ subjectOf, fields, expires: true });

export const PERSONAL_FIELDS: Readonly<Record<string, PersonalFields>> = {
  UserRegistered: ofUser('email', 'username', 'fullName'),
  UserProfileUpdated: ofUser('fullName', 'username'),
  UserEmailChanged: ofUser('previousEmail', 'email'),
  PasswordResetRequested: ofUser('email'),
  EmailVerificationRequested: ofUser('email'),
  EmailVerified: ofUser('email'),
  IdentifierClaimed: ofUser('value'),
  IdentifierReleased: ofUser('value'),
  LoggedIn: ofAttempt('identifier', 'ip', 'userAgent'),
  SessionReauthenticated: ofAttempt('ip', 'userAgent'),
  LoginFailed: ofAttempt('identifier', 'ip', 'userAgent'),
  AccountLocked: ofAttempt('identifier', 'ip'),
  TokenRejected: ofAttempt('ip', 'userAgent'),
  AdminAccessDenied: ofAttempt('ip'),
};

/** Metadata fields that are personal data. */
export const PERSONAL_METADATA = ['ip', 'userAgent'] as const;

/** The event that destroys a user's data key; every reader forgets the key when it sees one. */
export const USER_ERASED = 'UserErased';

/** The UTC day of an instant, `YYYY-MM-DD`: the retention period its attempts belong to. */
export const periodOf = (at: Date): string => at.toISOString().slice(0, 10);

/**
 * Key ids: one per user for the account's data; one per user and UTC day for their attempts; one
 * per UTC day for data about no known user. A period key's id ends with `period:<day>`.
 */
export const userKeyId = (userId: string): string => `user:${userId}`;
export const userPeriodKeyPrefix = (userId: string): string => `user:${userId}:period:`;
export const userPeriodKeyId = (userId: string, at: Date): string =>
  `${userPeriodKeyPrefix(userId)}${periodOf(at)}`;
export const periodKeyId = (at: Date): string => `period:${periodOf(at)}`;

/** The day a period key belongs to, or null for a user's own key. */
export function periodOfKeyId(keyId: string): string | null {
  const match = /(?:^|:)period:(\d{4}-\d{2}-\d{2})$/.exec(keyId);
  return match?.[1] ?? null;
}
