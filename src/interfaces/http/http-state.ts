import type { Logger } from 'pino';
import type { Principal } from '../../application/auth/authenticate.use-case.js';

/** What middleware leaves on `ctx.state` for the routes. */
export interface HttpState {
  requestId: string;
  /** The client address (see client-address.ts); null when the socket has none. */
  clientIp: string | null;
  log: Logger;
  principal?: Principal;
  /** The matched route's pattern, for logs and metrics (never the raw path with ids). */
  route?: string;
}

/**
 * Every router matches paths case-sensitively and exactly (no optional trailing slash): a guard or a
 * route written for `/admin/users` must never be reached as `/ADMIN/users` or `/admin/users/`.
 */
export const EXACT_PATHS = { sensitive: true, strict: true } as const;
