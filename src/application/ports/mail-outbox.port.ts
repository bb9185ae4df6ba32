import type { MailKind } from '../../domain/mail/mail.events.js';
import type { ProjectionStore } from './projection-store.port.js';

/**
 * One message to send, keyed by the global position of the event it tells about (its idempotency
 * key). The recipient is the user's current address unless the event named one (a verification
 * goes to the new address, the change notice to the old); with no user, the active
 * administrators. The sealed token is dropped once sent.
 */
export interface MailView {
  readonly id: string;
  readonly kind: MailKind;
  /** null: a notice to the administrators, not about one user. */
  readonly userId: string | null;
  /** What the template says beyond the address (e.g. which subscription and why); no secrets. */
  readonly details?: Readonly<Record<string, string>>;
  readonly to: string | null;
  readonly sealedToken: string | null;
  readonly expiresAt: string | null;
  /** `expired`: closed unsent (its token expired, or older than the sender mails). */
  readonly status: 'pending' | 'sent' | 'expired';
  readonly attempts: number;
  /** When it may be tried (again); its creation time at first. */
  readonly nextAttemptAt: string;
  readonly lastError: string | null;
  readonly createdAt: string;
  readonly sentAt: string | null;
  readonly seq: number;
}

export interface MailQueueSummary {
  readonly pending: number;
  /** Pending with at least one failed attempt. */
  readonly failing: number;
  readonly sent: number;
  /** Closed unsent: a dead token, or older than the sender mails. */
  readonly expired: number;
  readonly oldestPendingAt: string | null;
}

export interface MailOutbox extends ProjectionStore<MailView> {
  /** Pending messages whose next attempt is due at `now`, oldest first. */
  due(now: Date, limit: number): Promise<readonly MailView[]>;
  /** Pending messages, oldest first (the operator's view). */
  pending(limit: number): Promise<readonly MailView[]>;
  summary(): Promise<MailQueueSummary>;
}
export const MAIL_OUTBOX = Symbol('MailOutbox');
