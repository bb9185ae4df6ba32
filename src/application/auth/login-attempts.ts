import { inject, injectable } from 'tsyringe';
import {
  loginFailuresStreamId,
  loginRefusalsStreamId,
  type LoginAttemptEvent,
  type LoginFailureOutcome,
} from '../../domain/login-attempt/login-attempt.events.js';
import { failureLocks, lockoutStatus, type LockoutStatus } from '../../domain/login-attempt/lockout.js';
import { asRecorded } from '../event-sourcing.js';
import { AUTH_SETTINGS, type AuthSettings } from '../ports/auth-settings.port.js';
import { EVENT_STORE, type EventStore } from '../ports/event-store.port.js';
import { ID_GENERATOR, type IdGenerator } from '../ports/id-generator.port.js';
import { metadataOf, type RequestContext } from '../request-context.js';

const HOUR_MS = 3_600_000;

/** Reads and records the failed attempts of one identifier from one address (the lockout key). */
@injectable()
export class LoginAttempts {
  constructor(
    @inject(EVENT_STORE) private readonly store: EventStore,
    @inject(ID_GENERATOR) private readonly ids: IdGenerator,
    @inject(AUTH_SETTINGS) private readonly settings: AuthSettings,
  ) {}

  async status(identifier: string, ip: string | null, now: Date): Promise<LockoutStatus> {
    const { windowSeconds, durationSeconds } = this.settings.lockout;
    const hours = Math.ceil(Math.max(windowSeconds, durationSeconds) / 3600) + 1;
    const streams = Array.from({ length: hours }, (_, i) =>
      loginFailuresStreamId(identifier, ip, new Date(now.getTime() - i * HOUR_MS)),
    );
    const events = (await Promise.all(streams.map((s) => this.store.readStream(s)))).flat();
    return lockoutStatus(
      events.map((e) => asRecorded<LoginAttemptEvent>(e)),
      this.settings.lockout,
      now,
    );
  }

  /** Appends `LoginFailed`, plus `AccountLocked` when this failure reaches the threshold. */
  async recordFailure(
    attempt: {
      identifier: string;
      userId: string | null;
      outcome: LoginFailureOutcome;
      status: LockoutStatus | null;
    },
    ctx: RequestContext,
    now: Date,
  ): Promise<{ lockedUntil: Date | null }> {
    const { identifier, userId, outcome, status } = attempt;
    const events: LoginAttemptEvent[] = [
      {
        type: 'LoginFailed',
        data: {
          attemptId: this.ids.uuid(),
          identifier,
          userId,
          outcome,
          ip: ctx.ip,
          userAgent: ctx.userAgent,
        },
      },
    ];
    const counted = outcome === 'invalid_credentials' || outcome === 'unknown_user';
    let lockedUntil: Date | null = null;
    if (counted && status !== null && failureLocks(status, this.settings.lockout)) {
      lockedUntil = new Date(now.getTime() + this.settings.lockout.durationSeconds * 1000);
      events.push({
        type: 'AccountLocked',
        data: {
          identifier,
          userId,
          ip: ctx.ip,
          failures: status.recentFailures + 1,
          lockedUntil: lockedUntil.toISOString(),
        },
      });
    }
    await this.store.append({
      streamId: (counted ? loginFailuresStreamId : loginRefusalsStreamId)(identifier, ctx.ip, now),
      expectedVersion: 'any',
      events: events.map((e) => ({ type: e.type, data: e.data })),
      metadata: metadataOf(ctx),
      occurredAt: now,
    });
    return { lockedUntil };
  }
}
