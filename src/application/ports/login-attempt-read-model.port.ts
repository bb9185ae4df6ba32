import type { LoginOutcome } from '../../domain/login-attempt/login-attempt.events.js';
import type { Page, PageRequest } from '../pagination.js';
import type { ProjectionStore } from './projection-store.port.js';

import type { MfaFactor } from '../../domain/user/mfa.events.js';

export interface LoginAttemptView {
  readonly id: string;
  readonly occurredAt: string;
  readonly outcome: LoginOutcome;
  readonly userId: string | null;
  /** Null once its subject was erased (or its period key destroyed). */
  readonly identifier: string | null;
  readonly ip: string | null;
  readonly userAgent: string | null;
  readonly sessionId: string | null;
  /** How many attempts this entry stands for (refusals aggregated per minute), else 1. */
  readonly count: number;
  /** The second factor a success proved or a failure got wrong; null for password-only attempts. */
  readonly secondFactor: MfaFactor | null;
  /** Global position of the event: the order of the trail (newest first = descending). */
  readonly seq: number;
}

export interface LoginAttemptFilter {
  readonly userId?: string | undefined;
  /** The identifier as typed, normalised (an email or a username). */
  readonly identifier?: string | undefined;
  readonly outcome?: LoginOutcome | undefined;
  readonly ip?: string | undefined;
  /** Inclusive lower bound on occurredAt. */
  readonly from?: Date | undefined;
  /** Exclusive upper bound on occurredAt. */
  readonly to?: Date | undefined;
}

export interface LoginAttemptReadModel extends ProjectionStore<LoginAttemptView> {
  /** Newest first (`seq` descending); `after` continues below that seq. */
  query(filter: LoginAttemptFilter, page: PageRequest): Promise<Page<LoginAttemptView>>;
  /** The whole match, newest first, streamed in constant memory. */
  stream(filter: LoginAttemptFilter): AsyncIterable<LoginAttemptView>;
}
export const LOGIN_ATTEMPT_READ_MODEL = Symbol('LoginAttemptReadModel');
