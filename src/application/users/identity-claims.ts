import { inject, injectable } from 'tsyringe';
import { claimStreamId, type ClaimKind } from '../../domain/identity-claim/identity-claim.events.js';
import { usernameKey, type Username } from '../../domain/user/username.js';
import type { RegisteredUser } from '../../domain/user/user.decider.js';
import { claimDecider } from '../deciders.js';
import { load } from '../event-sourcing.js';
import { CLOCK, type Clock } from '../ports/clock.port.js';
import {
  ConcurrencyError,
  EVENT_STORE,
  type EventMetadata,
  type EventStore,
} from '../ports/event-store.port.js';
import { UserRepository } from './user-repository.js';

/**
 * A claim whose owner never got registered is abandoned after this long. Younger, its owner may
 * still be mid-registration, so the value counts as taken.
 */
const ABANDONED_AFTER_MS = 60_000;
const MAX_ATTEMPTS = 8;

const holds = (user: RegisteredUser, kind: ClaimKind, value: string): boolean =>
  kind === 'email'
    ? user.email === value
    : user.username !== null && usernameKey(user.username as Username) === value;

/**
 * Uniqueness of emails and usernames, decided by optimistic concurrency on one claim stream per
 * value. Never by a read model, so two instances cannot both hand out the same value.
 */
@injectable()
export class IdentityClaims {
  constructor(
    @inject(EVENT_STORE) private readonly store: EventStore,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(UserRepository) private readonly users: UserRepository,
  ) {}

  /** The registered user holding a normalised email or username key, if any. */
  async holder(kind: ClaimKind, value: string): Promise<RegisteredUser | null> {
    const { state } = await load(this.store, claimStreamId(kind, value), claimDecider);
    if (state.ownerId === null) return null;
    const user = await this.users.find(state.ownerId);
    return user !== null && holds(user, kind, value) ? user : null;
  }

  /**
   * Claims `value` for `userId` and returns the id the caller must register under. With
   * `adoptOrphan`, a claim left by a registration that never appended its user (a crash between
   * the two appends) is adopted: its user id is returned, and the user stream's no-stream append
   * then decides who registers, so the value is never stuck and never doubly owned.
   */
  async claim(
    kind: ClaimKind,
    value: string,
    userId: string,
    metadata: EventMetadata,
    options: { adoptOrphan?: boolean } = {},
  ): Promise<string> {
    const streamId = claimStreamId(kind, value);
    for (let attempt = 1; ; attempt++) {
      const { state, version } = await load(this.store, streamId, claimDecider);
      let ownerHoldsIt = false;
      if (state.ownerId !== null && state.ownerId !== userId) {
        const owner = await this.users.find(state.ownerId);
        if (owner === null && options.adoptOrphan === true) return state.ownerId;
        const claimAge = this.clock.now().getTime() - (state.claimedAt?.getTime() ?? 0);
        ownerHoldsIt = owner === null ? claimAge < ABANDONED_AFTER_MS : holds(owner, kind, value);
      }
      const events = claimDecider.decide({ type: 'Claim', kind, value, userId, ownerHoldsIt }, state);
      try {
        await this.store.append({
          streamId,
          expectedVersion: version === 0 ? 'no_stream' : version,
          events,
          metadata,
          occurredAt: this.clock.now(),
        });
        return userId;
      } catch (error) {
        if (!(error instanceof ConcurrencyError) || attempt >= MAX_ATTEMPTS) throw error;
      }
    }
  }

  /** Gives a value up after its owner moved to another one. Best effort: a stale claim is harmless. */
  async release(kind: ClaimKind, value: string, userId: string, metadata: EventMetadata): Promise<void> {
    const streamId = claimStreamId(kind, value);
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const { state, version } = await load(this.store, streamId, claimDecider);
      const events = claimDecider.decide({ type: 'Release', kind, value, userId }, state);
      if (events.length === 0) return;
      try {
        await this.store.append({
          streamId,
          expectedVersion: version,
          events,
          metadata,
          occurredAt: this.clock.now(),
        });
        return;
      } catch (error) {
        if (!(error instanceof ConcurrencyError)) throw error;
      }
    }
  }
}
