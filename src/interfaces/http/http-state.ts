import type { Logger } from 'pino';
import type { Principal } from '../../application/auth/authenticate.use-case.js';

/** What middleware leaves on `ctx.state` for the routes. */
export interface HttpState {
  requestId: string;
  log: Logger;
  principal?: Principal;
  /** The matched route's pattern, for logs and metrics (never the raw path with ids). */
  route?: string;
}
