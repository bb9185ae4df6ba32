import { inject, injectable } from 'tsyringe';
import {
  loginRefusalsStreamId,
  type LoginFailureOutcome,
} from '../../domain/login-attempt/login-attempt.events.js';
import { EVENT_STORE, type EventStore } from '../ports/event-store.port.js';
import { ID_GENERATOR, type IdGenerator } from '../ports/id-generator.port.js';
import { metadataOf, type RequestContext } from '../request-context.js';

export interface Refusal {
  readonly identifier: string;
  readonly userId: string | null;
  readonly outcome: Extract<LoginFailureOutcome, 'locked' | 'rate_limited' | 'inactive'>;
}

/** Records attempts answered without spending a guess, in a stream no login reads. */
@injectable()
export class LoginAttempts {
  constructor(
    @inject(EVENT_STORE) private readonly store: EventStore,
    @inject(ID_GENERATOR) private readonly ids: IdGenerator,
  ) {}

  async recordRefusal(refusal: Refusal, ctx: RequestContext, now: Date): Promise<void> {
    await this.store.append({
      streamId: loginRefusalsStreamId(refusal.identifier, ctx.ip, now),
      expectedVersion: 'any',
      events: [
        {
          type: 'LoginFailed',
          data: { attemptId: this.ids.uuid(), ...refusal, ip: ctx.ip, userAgent: ctx.userAgent },
        },
      ],
      metadata: metadataOf(ctx),
      occurredAt: now,
    });
  }
}
