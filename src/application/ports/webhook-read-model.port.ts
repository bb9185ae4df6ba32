import type { Page, PageRequest } from '../pagination.js';
import type { ProjectionStore } from './projection-store.port.js';

/** A subscription as the sender and the admin list see it. The sealed secret is not part of it. */
export interface WebhookView {
  readonly id: string;
  readonly url: string;
  readonly eventTypes: readonly string[];
  readonly status: 'active' | 'disabled' | 'deleted';
  readonly createdAt: string;
  readonly createdBy: string | null;
  /** Last position delivered (or skipped as not matching). */
  readonly cursor: number;
  readonly failures: number;
  readonly nextAttemptAt: string | null;
  readonly disabledReason: string | null;
  /** Position of `WebhookSubscribed`: the list order. */
  readonly seq: number;
}

export interface WebhookReadModel extends ProjectionStore<WebhookView> {
  /** Subscriptions not deleted, newest first (`seq` descending). */
  list(page: PageRequest): Promise<Page<WebhookView>>;
  /** Every active subscription, oldest first: the sender's work list (a handful, never paged). */
  active(): Promise<readonly WebhookView[]>;
}
export const WEBHOOK_READ_MODEL = Symbol('WebhookReadModel');
