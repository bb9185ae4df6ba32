import { inject, injectable } from 'tsyringe';
import { DomainError } from '../../domain/shared/domain-error.js';
import { claimStreamId, type ClaimKind } from '../../domain/identity-claim/identity-claim.events.js';
import { usernameKey, type Username } from '../../domain/user/username.js';
import { isRegistered, type RegisteredUser } from '../../domain/user/user.decider.js';
import { claimDecider, type ClaimCommand } from '../../domain/identity-claim/identity-claim.decider.js';
import { CommandHandler } from '../command-handler.js';
import { CLOCK, type Clock } from '../ports/clock.port.js';
import { ConcurrencyError, type EventMetadata } from '../ports/event-store.port.js';
import { KEYED_HASH, type KeyedHash } from '../ports/keyed-hash.port.js';
import { UserRepository } from './user-repository.js';

/**
 * A claim whose owner never got registered is abandoned after this long. Younger, its owner may
 * still be mid-registration, so the value counts as taken.
 */
const ABANDONED_AFTER_MS = 60_000;
const MAX_ATTEMPTS = 8;

const takenError = (kind: ClaimKind): DomainError =>
  kind === 'email'
    ? new DomainError('email_taken', 'An account with this email already exists.')
    : new DomainError('username_taken', 'This username is already taken.');

const holds = (user: RegisteredUser, kind: ClaimKind, value: string): boolean =>
  kind === 'email'
    ? user.email === value
    : user.username !== null && usernameKey(user.username as Username) === value;

/**
 * Uniqueness of emails and usernames, decided by optimistic concurrency on one claim stream per
 * value. Never by a read model, so two instances cannot both hand out the same value. A claim
 * stream is named by the keyed hash of the value; a store written before that has streams named
 * by the value itself, which are still honoured (read, and released) until their owner lets go.
 */
@injectable()
export class IdentityClaims {
  constructor(
    @inject(CommandHandler) private readonly commands: CommandHandler,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(UserRepository) private readonly users: UserRepository,
    @inject(KEYED_HASH) private readonly keyed: KeyedHash,
  ) {}

  private streamOf(kind: ClaimKind, value: string): string {
    return claimStreamId(kind, this.keyed.digest(`claim-${kind}`, value));
  }

  /** The registered user holding a normalised email or username key, if any. */
  async holder(kind: ClaimKind, value: string): Promise<RegisteredUser | null> {
    const { state } = await this.commands.load(this.streamOf(kind, value), claimDecider);
    if (state.ownerId === null) return this.legacyHolder(kind, value);
    const user = await this.users.find(state.ownerId);
    return user !== null && holds(user, kind, value) ? user : null;
  }

  /** The holder by a claim stream named by the plain value (a store from before keyed claims). */
  private async legacyHolder(kind: ClaimKind, value: string): Promise<RegisteredUser | null> {
    const { state } = await this.commands.load(claimStreamId(kind, value), claimDecider);
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
    const legacy = await this.legacyHolder(kind, value);
    if (legacy !== null && legacy.id !== userId) throw takenError(kind);
    let adopted: string | null = null;
    try {
      await this.commands.handle(
        this.streamOf(kind, value),
        claimDecider,
        async (state): Promise<ClaimCommand | []> => {
          adopted = null;
          const claimAge = this.clock.now().getTime() - (state.claimedAt?.getTime() ?? 0);
          // Already ours and young: no other claimant can take it (see `ownerHoldsIt`) before this
          // registration's own append decides. Claiming again would only make the requests that
          // adopted one orphaned email race each other on its username, round after round.
          if (state.ownerId === userId && claimAge < ABANDONED_AFTER_MS / 2) return [];
          let ownerHoldsIt = false;
          if (state.ownerId !== null && state.ownerId !== userId) {
            const ownerState = await this.users.stateOf(state.ownerId);
            // An erased owner holds nothing, and its id is never registered again.
            const erased = ownerState.status === 'erased';
            const owner = isRegistered(ownerState) ? ownerState : null;
            if (owner === null && !erased && options.adoptOrphan === true) {
              adopted = state.ownerId;
              return [];
            }
            ownerHoldsIt =
              owner === null ? !erased && claimAge < ABANDONED_AFTER_MS : holds(owner, kind, value);
          }
          return { type: 'Claim', kind, value, userId, ownerHoldsIt };
        },
        { metadata, now: this.clock.now(), retries: MAX_ATTEMPTS - 1 },
      );
    } catch (error) {
      // Still losing the append after every retry: others keep claiming this value (e.g. many
      // requests adopting one orphaned email, each re-claiming its username). One of them owns
      // it; to this request the value is taken, never a 500.
      if (error instanceof ConcurrencyError) throw takenError(kind);
      throw error;
    }
    return adopted ?? userId;
  }

  /** Gives a value up after its owner moved to another one. Best effort: a stale claim is harmless. */
  async release(kind: ClaimKind, value: string, userId: string, metadata: EventMetadata): Promise<void> {
    // The legacy stream is read first: a release appends only where the user owns the claim.
    for (const streamId of [claimStreamId(kind, value), this.streamOf(kind, value)]) {
      try {
        await this.commands.handle(
          streamId,
          claimDecider,
          { type: 'Release', kind, value, userId },
          { metadata, now: this.clock.now(), retries: MAX_ATTEMPTS - 1 },
        );
      } catch (error) {
        if (!(error instanceof ConcurrencyError)) throw error;
      }
    }
  }
}
