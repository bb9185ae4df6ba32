import type { RecoveryCommand } from './account-recovery.js';
import type { AllSessionsEnded, ErasureReason } from './user.events.js';
import type { Email } from './email.js';
import type { MfaCommand } from './mfa.js';
import type { Role } from './role.js';
import type { Username } from './username.js';

export type UserCommand =
  | {
      readonly type: 'RegisterUser';
      readonly userId: string;
      readonly email: Email;
      readonly username: Username | null;
      readonly fullName: string | null;
      readonly passwordHash: string;
      readonly role: Role;
    }
  | {
      readonly type: 'UpdateProfile';
      /** `undefined` leaves a field as it is; `null` clears it. */
      readonly fullName?: string | null | undefined;
      readonly username?: Username | null | undefined;
    }
  | { readonly type: 'ChangeEmail'; readonly email: Email }
  | { readonly type: 'ChangePassword'; readonly passwordHash: string }
  | { readonly type: 'ChangeRole'; readonly role: Role }
  | { readonly type: 'Deactivate' }
  | { readonly type: 'Reactivate' }
  /** Erases the account; idempotent. Followed by `EndAllSessions` in the same append. */
  | { readonly type: 'Erase'; readonly actorId: string; readonly reason: ErasureReason }
  | MfaCommand
  | RecoveryCommand
  | {
      readonly type: 'EndAllSessions';
      readonly reason: AllSessionsEnded['data']['reason'];
      /** The session that goes on (the one changing the password) and when it started. */
      readonly keep: { readonly sessionId: string; readonly startedAt: Date } | null;
    };
