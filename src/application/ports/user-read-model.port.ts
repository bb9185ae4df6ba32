import type { Role } from '../../domain/user/role.js';
import type { Page, PageRequest } from '../pagination.js';
import type { UserProfile } from '../user-profile.js';
import type { ProjectionStore } from './projection-store.port.js';

/** The public view of a user: no hash, no token, no secret. */
export interface UserView extends UserProfile {
  readonly lastLoginAt: string | null;
  /** Position of `UserRegistered`: the stable order of the admin list. */
  readonly seq: number;
  /** When the account was erased; then email is ERASED_EMAIL, username and name null. */
  readonly erasedAt?: string;
}

/**
 * What a view shows of the account. Documents written before MFA or email verification existed
 * lack their flags: neither was on then.
 */
export const profileOfView = ({
  lastLoginAt: _login,
  seq: _seq,
  erasedAt: _erased,
  ...profile
}: UserView): UserProfile => ({
  ...profile,
  mfaEnabled: profile.mfaEnabled === true,
  emailVerified: profile.emailVerified === true,
});

/** The email of an erased account's view: it matches no search, and searches list no such view. */
export const ERASED_EMAIL = '';

export interface UserSearch extends PageRequest {
  /** Case-insensitive substring of email, username or full name. */
  readonly q?: string | undefined;
  /** Only users with this role. */
  readonly role?: Role | undefined;
}

export interface UserReadModel extends ProjectionStore<UserView> {
  byId(id: string): Promise<UserView | null>;
  /** Ordered by `seq` ascending; erased accounts are not listed. */
  search(query: UserSearch): Promise<Page<UserView>>;
}
export const USER_READ_MODEL = Symbol('UserReadModel');
