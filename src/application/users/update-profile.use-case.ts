import { inject, injectable } from 'tsyringe';
import { addressKey } from '../../domain/shared/address-key.js';
import { DomainError } from '../../domain/shared/domain-error.js';
import { RetryLaterError } from '../../domain/shared/retry-later-error.js';
import { parseEmail, type Email } from '../../domain/user/email.js';
import { parseFullName } from '../../domain/user/full-name.js';
import { parseUsername, usernameKey, type Username } from '../../domain/user/username.js';
import type { UserEvent } from '../../domain/user/user.events.js';
import type { RegisteredUser } from '../../domain/user/user.decider.js';
import { userStreamId } from '../../domain/user/user.events.js';
import { userDecider } from '../deciders.js';
import { load } from '../event-sourcing.js';
import { parseAll } from '../parse-all.js';
import { CLOCK, type Clock } from '../ports/clock.port.js';
import { ConcurrencyError, EVENT_STORE, type EventStore } from '../ports/event-store.port.js';
import { RATE_LIMITER, type RateLimiter } from '../ports/rate-limiter.port.js';
import type { Principal } from '../auth/authenticate.use-case.js';
import { metadataOf, type RequestContext } from '../request-context.js';
import { profileOf, type UserProfile } from '../user-profile.js';
import { IdentityClaims } from './identity-claims.js';

export interface ProfileChanges {
  /** `undefined`: unchanged; `null` or "": cleared. */
  readonly fullName?: string | null | undefined;
  readonly email?: string | undefined;
  readonly username?: string | null | undefined;
}

@injectable()
export class UpdateProfile {
  constructor(
    @inject(EVENT_STORE) private readonly store: EventStore,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(IdentityClaims) private readonly claims: IdentityClaims,
    @inject(RATE_LIMITER) private readonly rateLimiter: RateLimiter,
  ) {}

  /**
   * New email and username values are claimed first, then every change is appended in one commit
   * at the version read, and the old values are released last. A crash in between leaves at worst
   * a stale claim, which the claim rules treat as free.
   */
  async execute(
    principal: Principal,
    changes: ProfileChanges,
    ctx: RequestContext,
  ): Promise<{ user: UserProfile; position: number | null }> {
    const fields = parseAll({
      fullName: (): string | null | undefined =>
        changes.fullName === undefined
          ? undefined
          : changes.fullName === null
            ? null
            : parseFullName(changes.fullName),
      email: (): Email | undefined => (changes.email === undefined ? undefined : parseEmail(changes.email)),
      username: (): Username | null | undefined =>
        changes.username === undefined
          ? undefined
          : changes.username === null || changes.username.trim() === ''
            ? null
            : parseUsername(changes.username),
    });
    const userId = principal.userId;
    const metadata = metadataOf({ ...ctx, actorId: userId });
    const streamId = userStreamId(userId);
    const { state, version } = await load(this.store, streamId, userDecider);
    if (state.status === 'unregistered')
      throw new DomainError('user_not_found', 'The user no longer exists.');

    const newEmail = fields.email !== undefined && fields.email !== state.email ? fields.email : undefined;
    const oldUsernameKey = state.username === null ? null : usernameKey(state.username as Username);
    const newUsernameKey = fields.username == null ? null : usernameKey(fields.username);
    const usernameChanges = fields.username !== undefined && newUsernameKey !== oldUsernameKey;
    // Each identifier change claims a value, so it shares registration's per-address budget:
    // otherwise one account could probe or squat on every email and username (issue 9 item 8).
    if ((newEmail !== undefined || usernameChanges) && ctx.ip !== null) {
      const budget = await this.rateLimiter.consume('register', addressKey(ctx.ip));
      if (!budget.allowed) {
        throw new RetryLaterError(
          'rate_limited',
          'Too many email or username changes; try again later.',
          budget.retryAfterSeconds,
        );
      }
    }
    if (newEmail !== undefined) await this.claims.claim('email', newEmail, userId, metadata);
    if (usernameChanges && newUsernameKey !== null)
      await this.claims.claim('username', newUsernameKey, userId, metadata);

    const now = this.clock.now();
    const events: UserEvent[] = [];
    let next: RegisteredUser = state;
    const apply = (produced: UserEvent[]): void => {
      for (const event of produced) {
        events.push(event);
        // Evolving a registered user always yields a registered user.
        next = userDecider.evolve(next, { ...event, occurredAt: now }) as RegisteredUser;
      }
    };
    if (newEmail !== undefined) apply(userDecider.decide({ type: 'ChangeEmail', email: newEmail }, next));
    apply(
      userDecider.decide(
        { type: 'UpdateProfile', fullName: fields.fullName, username: fields.username },
        next,
      ),
    );
    if (events.length === 0) return { user: profileOf(state), position: null };

    let position: number;
    try {
      ({ position } = await this.store.append({
        streamId,
        expectedVersion: version,
        events: events.map((e) => ({ type: e.type, data: e.data })),
        metadata,
        occurredAt: now,
      }));
    } catch (error) {
      if (error instanceof ConcurrencyError) {
        throw new DomainError('conflict', 'The profile changed at the same time; please retry.');
      }
      throw error;
    }
    if (newEmail !== undefined) await this.claims.release('email', state.email, userId, metadata);
    if (usernameChanges && oldUsernameKey !== null)
      await this.claims.release('username', oldUsernameKey, userId, metadata);
    return { user: profileOf(next), position };
  }
}
