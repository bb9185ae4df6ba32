import type { EventFeed } from './admin/event-feed.js';
import type { AdministerUsers } from './admin/administer-users.use-case.js';
import type { BootstrapAdmin } from './admin/bootstrap-admin.use-case.js';
import type { LoginHistory } from './admin/login-history.use-case.js';
import type { AuditCheckpoints } from './audit/audit-checkpoints.use-case.js';
import type { Authenticate } from './auth/authenticate.use-case.js';
import type { LogIn } from './auth/log-in.use-case.js';
import type { Reauthenticate } from './auth/reauthenticate.use-case.js';
import type { LogOut } from './sessions/log-out.use-case.js';
import type { RefreshSession } from './sessions/refresh-session.use-case.js';
import type { UserSessions } from './sessions/user-sessions.use-case.js';
import type { ChangePassword } from './users/change-password.use-case.js';
import type { GetCurrentUser } from './users/get-current-user.use-case.js';
import type { RegisterUser } from './users/register-user.use-case.js';
import type { UpdateProfile } from './users/update-profile.use-case.js';
import type { EraseUser } from './users/erase-user.use-case.js';
import type { AccountRecords } from './users/account-records.use-case.js';
import type { ManageWebhooks } from './webhooks/manage-webhooks.use-case.js';
import type { CompleteMfaLogin } from './mfa/complete-mfa-login.use-case.js';
import type { ManageMfa } from './mfa/manage-mfa.use-case.js';
import type { ForgotPassword } from './recovery/forgot-password.use-case.js';
import type { ResetPassword } from './recovery/reset-password.use-case.js';
import type { EmailVerification } from './recovery/verify-email.use-case.js';
import type { ExpirePersonalData } from './privacy/expire-personal-data.use-case.js';

/**
 * Every use case, resolved once in the composition root and handed to the interfaces (HTTP, CLI)
 * as a typed object: no container reaches src/interfaces.
 */
export interface UseCases {
  readonly register: RegisterUser;
  readonly logIn: LogIn;
  readonly refresh: RefreshSession;
  readonly reauthenticate: Reauthenticate;
  readonly logOut: LogOut;
  readonly authenticate: Authenticate;
  readonly currentUser: GetCurrentUser;
  readonly updateProfile: UpdateProfile;
  readonly changePassword: ChangePassword;
  readonly eraseUser: EraseUser;
  readonly accountRecords: AccountRecords;
  readonly sessions: UserSessions;
  readonly loginHistory: LoginHistory;
  readonly administerUsers: AdministerUsers;
  readonly operator: BootstrapAdmin;
  readonly auditCheckpoints: AuditCheckpoints;
  readonly webhooks: ManageWebhooks;
  readonly completeMfaLogin: CompleteMfaLogin;
  readonly mfa: ManageMfa;
  readonly forgotPassword: ForgotPassword;
  readonly resetPassword: ResetPassword;
  readonly emailVerification: EmailVerification;
  readonly expirePersonalData: ExpirePersonalData;
  readonly eventFeed: EventFeed;
}
