import type { LogoutReason } from '../../domain/session/session.events.js';
import type { Page, PageRequest } from '../pagination.js';
import type { ProjectionStore } from './projection-store.port.js';

export interface SessionView {
  readonly id: string;
  readonly userId: string;
  readonly createdAt: string;
  readonly lastRefreshedAt: string | null;
  readonly expiresAt: string;
  readonly ip: string | null;
  readonly userAgent: string | null;
  readonly revokedAt: string | null;
  readonly revokedReason: LogoutReason | null;
  /** Position of `LoggedIn`: the list order. */
  readonly seq: number;
}

export interface SessionReadModel extends ProjectionStore<SessionView> {
  byId(id: string): Promise<SessionView | null>;
  /** Sessions of a user that are neither revoked nor expired at `now`, newest first (`seq` descending). */
  activeOf(userId: string, now: Date, page: PageRequest): Promise<Page<SessionView>>;
  /** Sessions revoked at or after `since`: seeds the per-instance revocation list at start-up. */
  revokedSince(since: Date): Promise<readonly { readonly id: string; readonly revokedAt: string }[]>;
}
export const SESSION_READ_MODEL = Symbol('SessionReadModel');
