import type { Recorded } from '../shared/event.js';
import type { AccountRecoveryEvent, PendingToken } from './account-recovery.events.js';
import type { PasswordChanged, UserEvent } from './user.events.js';
import { invalidToken } from '../shared/refusals.js';

/** What the user's state knows about mailed tokens and the address's proof. */
export interface RecoveryState {
  readonly emailVerified: boolean;
  /** The one reset token that works: a newer request or any password change supersedes it. */
  readonly passwordReset: PendingToken | null;
  /** The one verification token that works, for the address it was sent to. */
  readonly emailVerification: PendingToken | null;
  /** Device tokens trusted before this instant stopped counting (a password reset). */
  readonly devicesTrustedAfter: Date | null;
}

export const initialRecoveryState = (): RecoveryState => ({
  emailVerified: false,
  passwordReset: null,
  emailVerification: null,
  devicesTrustedAfter: null,
});

export interface TokenIssue {
  readonly requestId: string;
  readonly tokenDigest: string;
  readonly sealedToken: string;
  readonly expiresAt: Date;
}

export type RecoveryCommand =
  | ({ readonly type: 'RequestPasswordReset' } & TokenIssue)
  | {
      readonly type: 'ResetPassword';
      readonly tokenDigest: string;
      readonly passwordHash: string;
      readonly now: Date;
    }
  | ({ readonly type: 'RequestEmailVerification' } & TokenIssue)
  | { readonly type: 'VerifyEmail'; readonly tokenDigest: string; readonly now: Date };

export const RECOVERY_COMMANDS: ReadonlySet<string> = new Set<RecoveryCommand['type']>([
  'RequestPasswordReset',
  'ResetPassword',
  'RequestEmailVerification',
  'VerifyEmail',
]);

export const isRecoveryCommand = (command: { readonly type: string }): command is RecoveryCommand =>
  RECOVERY_COMMANDS.has(command.type);

type Evolving = Recorded<AccountRecoveryEvent> | Recorded<Exclude<UserEvent, AccountRecoveryEvent>>;

/** The recovery part of the user's state after one more event of the user's stream. */
export function evolveRecovery(state: RecoveryState, event: Evolving): RecoveryState {
  switch (event.type) {
    case 'PasswordResetRequested':
    case 'EmailVerificationRequested': {
      const d = event.data;
      const pending: PendingToken = {
        requestId: d.requestId,
        digest: d.tokenDigest,
        expiresAt: new Date(d.expiresAt),
        email: d.email,
      };
      return event.type === 'PasswordResetRequested'
        ? { ...state, passwordReset: pending }
        : { ...state, emailVerification: pending };
    }
    case 'PasswordResetCompleted':
      return { ...state, passwordReset: null, devicesTrustedAfter: event.occurredAt };
    // Any password change supersedes an outstanding reset token.
    case 'PasswordChanged':
      return { ...state, passwordReset: null };
    case 'EmailVerified':
      return { ...state, emailVerified: true, emailVerification: null };
    // A new address is unproven, and a token sent to the old one proves nothing about it.
    case 'UserEmailChanged':
      return { ...state, emailVerified: false, emailVerification: null };
    default:
      return state;
  }
}

const usable = (pending: PendingToken | null, digest: string, now: Date): pending is PendingToken =>
  pending !== null && pending.digest === digest && pending.expiresAt.getTime() > now.getTime();

export function decideRecovery(
  command: RecoveryCommand,
  user: { readonly id: string; readonly email: string; readonly active: boolean },
  state: RecoveryState,
): (AccountRecoveryEvent | PasswordChanged)[] {
  const userId = user.id;
  switch (command.type) {
    case 'RequestPasswordReset':
    case 'RequestEmailVerification': {
      // A deactivated account gets no mail, and a proven address needs no second proof.
      if (!user.active) return [];
      if (command.type === 'RequestEmailVerification' && state.emailVerified) return [];
      const data = {
        userId,
        email: user.email,
        requestId: command.requestId,
        tokenDigest: command.tokenDigest,
        sealedToken: command.sealedToken,
        expiresAt: command.expiresAt.toISOString(),
      };
      return [
        command.type === 'RequestPasswordReset'
          ? { type: 'PasswordResetRequested', data }
          : { type: 'EmailVerificationRequested', data },
      ];
    }
    case 'ResetPassword': {
      const pending = state.passwordReset;
      if (!user.active || !usable(pending, command.tokenDigest, command.now)) throw invalidToken();
      return [
        { type: 'PasswordResetCompleted', data: { userId, requestId: pending.requestId } },
        { type: 'PasswordChanged', data: { userId, passwordHash: command.passwordHash } },
      ];
    }
    case 'VerifyEmail': {
      const pending = state.emailVerification;
      if (!usable(pending, command.tokenDigest, command.now) || pending.email !== user.email)
        throw invalidToken();
      return [{ type: 'EmailVerified', data: { userId, requestId: pending.requestId, email: user.email } }];
    }
  }
}
