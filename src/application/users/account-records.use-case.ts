import { inject, injectable } from 'tsyringe';
import { DomainError } from '../../domain/shared/domain-error.js';
import type { UserEvent } from '../../domain/user/user.events.js';
import { userStreamId } from '../../domain/user/user.events.js';
import { isRegistered, userDecider, type UserState } from '../../domain/user/user.decider.js';
import { publicEvent, type PublicEvent } from '../admin/public-event.js';
import type { Principal } from '../auth/authenticate.use-case.js';
import { asRecorded } from '../event-sourcing.js';
import { CLOCK, type Clock } from '../ports/clock.port.js';
import { EVENT_STORE, type EventStore, type StoredEvent } from '../ports/event-store.port.js';
import type { LoginAttemptView } from '../ports/login-attempt-read-model.port.js';
import type { SessionView } from '../ports/session-read-model.port.js';
import { loginAttemptsProjection } from '../projections/login-attempts.projection.js';
import { foldProjection, type Projection } from '../projections/projection.js';
import { sessionsProjection } from '../projections/sessions.projection.js';
import { profileOf, type UserProfile } from '../user-profile.js';

const PAGE = 1000;

/** An event about the user, as exports show it: the public event plus its stream. */
export interface ExportedEvent extends PublicEvent {
  readonly streamId: string;
}

/** Everything held about a user (GDPR art. 15 and 20): one document. */
export interface AccountExport {
  readonly user: UserProfile;
  readonly sessions: readonly SessionView[];
  readonly loginAttempts: readonly LoginAttemptView[];
  readonly events: readonly ExportedEvent[];
}

/** The documents a projection builds from `events` (in order), as the projection runner would. */
const folded = <Doc extends object>(projection: Projection<Doc>, events: readonly StoredEvent[]): Doc[] => [
  ...foldProjection(projection, events).values(),
];

const erasedError = (): DomainError => new DomainError('user_erased', 'The user was erased.');
const notYet = (): DomainError => new DomainError('user_not_found', 'No such user at that instant.');

/**
 * What the log knows about one person, read from the log itself, never from a read model: the
 * export (every event whose data names the user, the sessions and attempts those events make),
 * and the account and its sessions as they were at any past instant (replaying up to it).
 * Reading the whole log costs one scan per call: fine for these rare requests; an index of
 * events by subject is the step after.
 */
@injectable()
export class AccountRecords {
  constructor(
    @inject(EVENT_STORE) private readonly store: EventStore,
    @inject(CLOCK) private readonly clock: Clock,
  ) {}

  async export(principal: Principal): Promise<AccountExport> {
    const events = await this.eventsAbout(principal.userId);
    const state = this.replay(events.filter((e) => e.streamId === userStreamId(principal.userId)));
    if (!isRegistered(state)) throw erasedError();
    return {
      user: profileOf(state),
      sessions: folded(sessionsProjection, events),
      loginAttempts: folded(loginAttemptsProjection, events),
      events: events.map((event) => ({ ...publicEvent(event), streamId: event.streamId })),
    };
  }

  /**
   * The account as it was at `asOf`: 404 before it was registered; 410 for an erased account,
   * whatever the instant (its past is as unreadable as its present).
   */
  async userAsOf(userId: string, asOf: Date): Promise<UserProfile> {
    const stream = await this.store.readStream(userStreamId(userId));
    if (this.replay(stream).status === 'erased') throw erasedError();
    const state = this.replay(stream.filter((event) => event.occurredAt <= asOf));
    if (state.status === 'erased') throw erasedError();
    if (!isRegistered(state)) throw notYet();
    return profileOf(state);
  }

  /** The sessions of the user that were active at `asOf` (default now), newest first. */
  async sessionsAsOf(userId: string, asOf: Date = this.clock.now()): Promise<SessionView[]> {
    const { status } = this.replay(await this.store.readStream(userStreamId(userId)));
    if (status === 'unregistered') throw new DomainError('user_not_found', 'No such user.');
    const until = (await this.eventsAbout(userId)).filter((event) => event.occurredAt <= asOf);
    const at = asOf.toISOString();
    return folded(sessionsProjection, until)
      .filter((s) => s.createdAt <= at && s.revokedAt === null && s.expiresAt > at)
      .sort((a, b) => b.seq - a.seq);
  }

  private replay(events: readonly StoredEvent[]): UserState {
    let state = userDecider.initialState();
    for (const event of events) state = userDecider.evolve(state, asRecorded<UserEvent>(event));
    return state;
  }

  /** Every event whose data names the user, in position order. */
  private async eventsAbout(userId: string): Promise<StoredEvent[]> {
    const found: StoredEvent[] = [];
    for (let after = 0; ;) {
      const page = await this.store.readAll(after, PAGE);
      const last = page.at(-1);
      if (last === undefined) return found;
      for (const event of page) if (event.data['userId'] === userId) found.push(event);
      after = last.position;
    }
  }
}
