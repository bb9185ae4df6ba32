import type { EventData } from '../ports/event-store.port.js';

/**
 * Which fields of which events are personal data, and whose. A personal field is stored sealed
 * under its subject's data key (crypto-shredding) and reads as null once that key is destroyed.
 * The subject is the user the event is about; an event about no known user (a login attempt on
 * an unknown identifier, a refused token) has none and is sealed under the key of its period.
 * The addresses and user agents in every event's metadata are personal too, sealed likewise.
 */
export interface PersonalFields {
  /** The user the event is about, or null. */
  readonly subjectOf: (data: EventData) => string | null;
  readonly fields: readonly string[];
}

const ofUser = (...fields: string[]): PersonalFields => ({
  subjectOf: (data) => (typeof data['userId'] === 'string' ? data['userId'] : null),
  fields,
});

export const PERSONAL_FIELDS: Readonly<Record<string, PersonalFields>> = {
  UserRegistered: ofUser('email', 'username', 'fullName'),
  UserProfileUpdated: ofUser('fullName', 'username'),
  UserEmailChanged: ofUser('previousEmail', 'email'),
  PasswordResetRequested: ofUser('email'),
  EmailVerificationRequested: ofUser('email'),
  EmailVerified: ofUser('email'),
  IdentifierClaimed: ofUser('value'),
  IdentifierReleased: ofUser('value'),
  LoggedIn: ofUser('identifier', 'ip', 'userAgent'),
  SessionReauthenticated: ofUser('ip', 'userAgent'),
  LoginFailed: ofUser('identifier', 'ip', 'userAgent'),
  AccountLocked: ofUser('identifier', 'ip'),
  TokenRejected: ofUser('ip', 'userAgent'),
  AdminAccessDenied: ofUser('ip'),
};

/** Metadata fields that are personal data. */
export const PERSONAL_METADATA = ['ip', 'userAgent'] as const;

/** The event that destroys a user's data key; every reader forgets the key when it sees one. */
export const USER_ERASED = 'UserErased';

/** Key ids: one per user, one per UTC day for data about no known user. */
export const userKeyId = (userId: string): string => `user:${userId}`;
export const periodKeyId = (at: Date): string => `period:${at.toISOString().slice(0, 10)}`;
