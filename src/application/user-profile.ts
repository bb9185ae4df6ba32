import type { RegisteredUser } from '../domain/user/user.decider.js';
import type { Role } from '../domain/user/role.js';

/** The user as the API shows it: never a hash, token or secret. */
export interface UserProfile {
  readonly id: string;
  readonly email: string;
  readonly username: string | null;
  readonly fullName: string | null;
  readonly role: Role;
  readonly isActive: boolean;
  readonly mfaEnabled: boolean;
  readonly emailVerified: boolean;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export const profileOf = (user: RegisteredUser): UserProfile => ({
  id: user.id,
  email: user.email,
  username: user.username,
  fullName: user.fullName,
  role: user.role,
  isActive: user.status === 'active',
  mfaEnabled: user.mfa.enabled,
  emailVerified: user.recovery.emailVerified,
  createdAt: user.createdAt.toISOString(),
  updatedAt: user.updatedAt.toISOString(),
});
