import { inject, injectable } from 'tsyringe';
import { addressKey } from '../../domain/shared/address-key.js';
import {
  loginRefusalsStreamId,
  type LoginFailureOutcome,
} from '../../domain/login-attempt/login-attempt.events.js';
import { CLOCK, type Clock } from '../ports/clock.port.js';
import { EVENT_STORE, type EventStore } from '../ports/event-store.port.js';
import { ID_GENERATOR, type IdGenerator } from '../ports/id-generator.port.js';
import { metadataOf, type RequestContext } from '../request-context.js';

export interface Refusal {
  readonly identifier: string;
  readonly userId: string | null;
  readonly outcome: Extract<LoginFailureOutcome, 'locked' | 'rate_limited' | 'inactive'>;
}

interface Pending {
  readonly refusal: Refusal;
  readonly ctx: RequestContext;
  readonly minute: number;
  readonly firstAt: Date;
  count: number;
}

const MINUTE_MS = 60_000;

/**
 * Records attempts answered without a password check, in streams no login reads. Refusals that
 * cost nothing (locked, rate limited) are the ones a flood consists of, so they are counted in
 * memory and written as one `LoginFailed` with a `count` per key and minute: one event per minute
 * for a rate-limited address, whatever its rate; one per locked account and address. The price:
 * counts of the current minute are lost if the process dies before `flush`.
 */
@injectable()
export class LoginAttempts {
  private readonly pending = new Map<string, Pending>();

  constructor(
    @inject(EVENT_STORE) private readonly store: EventStore,
    @inject(ID_GENERATOR) private readonly ids: IdGenerator,
    @inject(CLOCK) private readonly clock: Clock,
  ) {}

  async recordRefusal(refusal: Refusal, ctx: RequestContext, now: Date): Promise<void> {
    if (refusal.outcome === 'inactive') {
      await this.write(refusal, ctx, now, 1);
      return;
    }
    // A rate-limited client may vary the identifier at will: its address alone is the key.
    const address = addressKey(ctx.ip);
    const key = refusal.outcome === 'rate_limited' ? `rl ${address}` : `lk ${address} ${refusal.identifier}`;
    const minute = Math.floor(now.getTime() / MINUTE_MS);
    const entry = this.pending.get(key);
    if (entry?.minute === minute) {
      entry.count += 1;
      return;
    }
    if (entry !== undefined) await this.writePending(key, entry);
    this.pending.set(key, { refusal, ctx, minute, firstAt: now, count: 1 });
  }

  /** Writes the counts of every minute that has ended; `all` also the current one (shutdown). */
  async flush(all = false): Promise<void> {
    const minute = Math.floor(this.clock.now().getTime() / MINUTE_MS);
    const due = [...this.pending].filter(([, e]) => all || e.minute < minute);
    await Promise.all(due.map(([key, entry]) => this.writePending(key, entry)));
  }

  private async writePending(key: string, entry: Pending): Promise<void> {
    if (this.pending.get(key) === entry) this.pending.delete(key);
    await this.write(entry.refusal, entry.ctx, entry.firstAt, entry.count);
  }

  private async write(refusal: Refusal, ctx: RequestContext, at: Date, count: number): Promise<void> {
    await this.store.append({
      streamId: loginRefusalsStreamId(refusal.identifier, ctx.ip, at),
      expectedVersion: 'any',
      events: [
        {
          type: 'LoginFailed',
          data: { attemptId: this.ids.uuid(), ...refusal, ip: ctx.ip, userAgent: ctx.userAgent, count },
        },
      ],
      metadata: metadataOf(ctx),
      occurredAt: at,
    });
  }
}
