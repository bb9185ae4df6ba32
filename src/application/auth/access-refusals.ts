import { inject, injectable } from 'tsyringe';
import {
  accessRefusalsStreamId,
  type AdminAccessDenied,
  type TokenRejected,
  type TokenRejectionReason,
} from '../../domain/access/access-refusal.events.js';
import { addressKey } from '../../domain/shared/address-key.js';
import { CLOCK, type Clock } from '../ports/clock.port.js';
import type { AppendRequest } from '../ports/event-store.port.js';
import { KEYED_HASH, type KeyedHash } from '../ports/keyed-hash.port.js';
import { LOGGER, type Logger } from '../ports/logger.port.js';
import { metadataOf, type RequestContext } from '../request-context.js';
import { LoginAttempts, type Tally } from './login-attempts.js';

export interface AdminDenial {
  readonly userId: string;
  readonly sessionId: string;
  readonly method: string;
  /** The route's declared template (`/admin/users/{id}`): ids in the raw path are not the point. */
  readonly path: string;
}

const iso = (at: Date): string => at.toISOString();

/**
 * The audit of refused access: presented tokens that did not work (forged, expired, revoked,
 * unknown refresh tokens) and admin routes called without the role. Each refusal is one warn-level
 * log line (never the token), and one aggregated event per key and minute through the login
 * refusals' counter, so a flood cannot grow the log by more than one event per key and minute.
 */
@injectable()
export class AccessRefusals {
  constructor(
    @inject(LoginAttempts) private readonly counter: LoginAttempts,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(LOGGER) private readonly logger: Logger,
    @inject(KEYED_HASH) private readonly keyed: KeyedHash,
  ) {}

  async tokenRejected(
    token: TokenRejected['data']['token'],
    reason: TokenRejectionReason,
    ctx: RequestContext,
  ): Promise<void> {
    const now = this.clock.now();
    this.logger.warn({ token, reason, ip: ctx.ip, requestId: ctx.requestId }, 'token rejected');
    const key = `tr ${token} ${reason} ${addressKey(ctx.ip)}`;
    await this.counter.aggregate(key, now, (tally) =>
      this.refusalRecord(ctx, tally, {
        type: 'TokenRejected',
        data: { token, reason, ip: ctx.ip, userAgent: ctx.userAgent, ...this.times(tally) },
      }),
    );
  }

  async adminDenied(denial: AdminDenial, ctx: RequestContext): Promise<void> {
    const now = this.clock.now();
    const { userId, sessionId, method, path } = denial;
    this.logger.warn(
      { userId, sessionId, method, path, ip: ctx.ip, requestId: ctx.requestId },
      'admin access denied',
    );
    const key = `ad ${userId} ${sessionId} ${method} ${path} ${addressKey(ctx.ip)}`;
    await this.counter.aggregate(key, now, (tally) =>
      this.refusalRecord({ ...ctx, actorId: userId }, tally, {
        type: 'AdminAccessDenied',
        data: { ...denial, ip: ctx.ip, ...this.times(tally) },
      }),
    );
  }

  private times(tally: Tally): { count: number; firstAt: string; lastAt: string } {
    return { count: tally.count, firstAt: iso(tally.firstAt), lastAt: iso(tally.lastAt) };
  }

  private refusalRecord(
    ctx: RequestContext,
    tally: Tally,
    event: TokenRejected | AdminAccessDenied,
  ): AppendRequest {
    return {
      streamId: accessRefusalsStreamId(this.keyed.digest('address', addressKey(ctx.ip)), tally.firstAt),
      expectedVersion: 'any',
      events: [event],
      metadata: metadataOf(ctx),
      occurredAt: tally.firstAt,
    };
  }
}
