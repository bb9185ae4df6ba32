import { inject, injectable } from 'tsyringe';
import { addressKey } from '../../domain/shared/address-key.js';
import {
  loginRefusalsStreamId,
  type LoginFailureOutcome,
} from '../../domain/login-attempt/login-attempt.events.js';
import { CommandHandler } from '../command-handler.js';
import { CLOCK, type Clock } from '../ports/clock.port.js';
import type { AppendRequest } from '../ports/event-store.port.js';
import { KEYED_HASH, type KeyedHash } from '../ports/keyed-hash.port.js';
import { ID_GENERATOR, type IdGenerator } from '../ports/id-generator.port.js';
import { metadataOf, type RequestContext } from '../request-context.js';

export interface Refusal {
  readonly identifier: string;
  readonly userId: string | null;
  readonly outcome: Extract<LoginFailureOutcome, 'locked' | 'rate_limited' | 'inactive'>;
}

/** What one key counted in one minute. */
export interface Tally {
  readonly count: number;
  readonly firstAt: Date;
  readonly lastAt: Date;
}

interface Pending {
  readonly minute: number;
  readonly firstAt: Date;
  lastAt: Date;
  count: number;
  /** The append that records the tally (built when it is written). */
  readonly record: (tally: Tally) => AppendRequest;
}

const MINUTE_MS = 60_000;

/**
 * Records attempts answered without a password check, in streams no login reads. Refusals that
 * cost nothing (locked, rate limited) are the ones a flood consists of, so they are counted in
 * memory and written as one `LoginFailed` with a `count` per key and minute: one event per minute
 * for a rate-limited address, whatever its rate; one per locked account and address. The price:
 * counts of the current minute are lost if the process dies before `flush`. Other cheap refusals
 * (rejected tokens, admin 403s: AccessRefusals) are counted through `aggregate` and flushed alike.
 */
@injectable()
export class LoginAttempts {
  private readonly pending = new Map<string, Pending>();

  constructor(
    @inject(CommandHandler) private readonly commands: CommandHandler,
    @inject(ID_GENERATOR) private readonly ids: IdGenerator,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(KEYED_HASH) private readonly keyed: KeyedHash,
  ) {}

  async recordRefusal(refusal: Refusal, ctx: RequestContext, now: Date): Promise<void> {
    if (refusal.outcome === 'inactive') {
      await this.commands.record(this.loginFailed(refusal, ctx, now, 1));
      return;
    }
    // A rate-limited client may vary the identifier at will: its address alone is the key.
    const address = addressKey(ctx.ip);
    const key = refusal.outcome === 'rate_limited' ? `rl ${address}` : `lk ${address} ${refusal.identifier}`;
    await this.aggregate(key, now, (tally) => this.loginFailed(refusal, ctx, tally.firstAt, tally.count));
  }

  /**
   * Counts one cheap refusal under `key` (keys of different kinds must not collide); `record` of
   * the first one in a minute writes the minute's tally, at the next minute or at `flush`.
   */
  async aggregate(key: string, now: Date, record: (tally: Tally) => AppendRequest): Promise<void> {
    const minute = Math.floor(now.getTime() / MINUTE_MS);
    const entry = this.pending.get(key);
    if (entry?.minute === minute) {
      entry.count += 1;
      entry.lastAt = now;
      return;
    }
    if (entry !== undefined) await this.writePending(key, entry);
    this.pending.set(key, { minute, firstAt: now, lastAt: now, count: 1, record });
  }

  /** Writes the counts of every minute that has ended; `all` also the current one (shutdown). */
  async flush(all = false): Promise<void> {
    const minute = Math.floor(this.clock.now().getTime() / MINUTE_MS);
    const due = [...this.pending].filter(([, e]) => all || e.minute < minute);
    await Promise.all(due.map(([key, entry]) => this.writePending(key, entry)));
  }

  private async writePending(key: string, entry: Pending): Promise<void> {
    if (this.pending.get(key) === entry) this.pending.delete(key);
    const { count, firstAt, lastAt } = entry;
    await this.commands.record(entry.record({ count, firstAt, lastAt }));
  }

  private loginFailed(refusal: Refusal, ctx: RequestContext, at: Date, count: number): AppendRequest {
    return {
      streamId: loginRefusalsStreamId(
        this.keyed.digest('identifier', refusal.identifier),
        this.keyed.digest('address', addressKey(ctx.ip)),
        at,
      ),
      expectedVersion: 'any',
      events: [
        {
          type: 'LoginFailed',
          data: { attemptId: this.ids.uuid(), ...refusal, ip: ctx.ip, userAgent: ctx.userAgent, count },
        },
      ],
      metadata: metadataOf(ctx),
      occurredAt: at,
    };
  }
}
