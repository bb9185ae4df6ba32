import type { Decider, Decision } from '../shared/decider.js';
import { DomainError } from '../shared/domain-error.js';
import type { Recorded } from '../shared/event.js';
import type { LoggedIn, LogoutReason, SessionEvent, TokenRefreshed } from './session.events.js';
import { invalidRefreshToken, sessionEnded } from '../shared/refusals.js';

/** A refresh token this session rotated away from, and when. */
export interface SupersededDigest {
  readonly digest: string;
  readonly rotatedAt: Date;
}

/**
 * How many superseded digests a session remembers. Enough for the reuse grace (a client racing
 * itself rotates a handful of times within seconds, not dozens); older ones are forgotten, see
 * `forgottenDigests`.
 */
export const REMEMBERED_DIGESTS = 16;

export interface OpenedSession {
  readonly status: 'active' | 'revoked';
  readonly sessionId: string;
  readonly userId: string;
  readonly currentDigest: string;
  /** The most recent superseded digests, newest first, at most REMEMBERED_DIGESTS. */
  readonly supersededDigests: readonly SupersededDigest[];
  /**
   * How many superseded digests fell out of memory. Keeping every digest ever made each fold
   * quadratic (the set was copied on every rotation). A refresh token is `<sessionId>.<secret>`
   * and is looked up in its own session's stream, so a digest that is neither current nor
   * remembered, for a session that has forgotten some, is taken as an old token of this family:
   * reuse. While nothing was forgotten, an unknown digest cannot be one we issued and is merely
   * invalid (a forged `<sessionId>.<random>` revokes nothing).
   */
  readonly forgottenDigests: number;
  readonly expiresAt: Date;
  readonly createdAt: Date;
  /** When the session last proved the password: the login, or the latest reauthentication. */
  readonly authTime: Date;
  readonly lastRefreshedAt: Date | null;
  readonly ip: string | null;
  readonly userAgent: string | null;
  readonly revokedReason: LogoutReason | null;
  /** What the login proved; every token of the session carries it, refreshed ones too. */
  readonly amr: readonly string[];
}
export type SessionState = { readonly status: 'none' } | OpenedSession;

export type SessionCommand =
  | ({ readonly type: 'StartSession' } & LoggedIn['data'])
  | {
      readonly type: 'RefreshSession';
      readonly presentedDigest: string;
      readonly newDigest: string;
      /** The new token's expiry before the session's lifetime cap. */
      readonly expiresAt: Date;
      readonly now: Date;
      /** A superseded token presented this soon after its rotation is refused without revoking. */
      readonly reuseGraceMs: number;
      /** No refresh token reaches past the login plus this. */
      readonly maxLifetimeMs: number;
    }
  | {
      /** The password was checked again: a fresh auth_time, and the refresh token rotates. */
      readonly type: 'ReauthenticateSession';
      readonly newDigest: string;
      readonly expiresAt: Date;
      readonly now: Date;
      readonly maxLifetimeMs: number;
      readonly ip: string | null;
      readonly userAgent: string | null;
    }
  | { readonly type: 'EndSession'; readonly reason: LogoutReason };

export const initialSessionState = (): SessionState => ({ status: 'none' });

export function evolveSession(state: SessionState, event: Recorded<SessionEvent>): SessionState {
  if (event.type === 'LoggedIn') {
    const d = event.data;
    return {
      status: 'active',
      sessionId: d.sessionId,
      userId: d.userId,
      currentDigest: d.refreshTokenDigest,
      supersededDigests: [],
      forgottenDigests: 0,
      expiresAt: new Date(d.expiresAt),
      createdAt: event.occurredAt,
      authTime: event.occurredAt,
      lastRefreshedAt: null,
      ip: d.ip,
      userAgent: d.userAgent,
      revokedReason: null,
      amr: d.amr ?? ['pwd'],
    };
  }
  if (state.status === 'none') return state;
  switch (event.type) {
    case 'TokenRefreshed': {
      const full = state.supersededDigests.length >= REMEMBERED_DIGESTS;
      return {
        ...state,
        supersededDigests: [
          { digest: state.currentDigest, rotatedAt: event.occurredAt },
          ...state.supersededDigests.slice(0, REMEMBERED_DIGESTS - 1),
        ],
        forgottenDigests: state.forgottenDigests + (full ? 1 : 0),
        currentDigest: event.data.refreshTokenDigest,
        expiresAt: new Date(event.data.expiresAt),
        lastRefreshedAt: event.occurredAt,
      };
    }
    case 'RefreshTokenReuseDetected':
      return state;
    case 'SessionReauthenticated':
      return { ...state, authTime: new Date(event.data.at) };
    case 'LoggedOut':
      return { ...state, status: 'revoked', revokedReason: event.data.reason };
  }
}

/** A refresh token this session issued and still remembers (current or recently superseded). */
export const remembersDigest = (state: OpenedSession, digest: string): boolean =>
  state.currentDigest === digest || state.supersededDigests.some((s) => s.digest === digest);

/** The next refresh token of a live session, capped at the login plus the lifetime; null once expired. */
function rotationOf(
  state: OpenedSession,
  command: {
    readonly newDigest: string;
    readonly expiresAt: Date;
    readonly now: Date;
    readonly maxLifetimeMs: number;
  },
): TokenRefreshed | null {
  const now = command.now.getTime();
  const notAfter = state.createdAt.getTime() + command.maxLifetimeMs;
  if (now >= state.expiresAt.getTime() || now >= notAfter) return null;
  const expiresAt = new Date(Math.min(command.expiresAt.getTime(), notAfter));
  return {
    type: 'TokenRefreshed',
    data: {
      sessionId: state.sessionId,
      userId: state.userId,
      refreshTokenDigest: command.newDigest,
      expiresAt: expiresAt.toISOString(),
    },
  };
}

/**
 * Token-family rotation: only the current refresh token rotates; an earlier one revokes the whole
 * session (as Auth0 and Supabase do), so a stolen token stops working for thief and victim alike.
 * Within the reuse grace an earlier token is only refused: two tabs or a retried request racing
 * with one token must not log the user out (the winner's token keeps working).
 */
/** A refresh either rotates the token or, for a superseded one, revokes the session. */
export type RefreshOutcome = 'rotated' | 'reused';

export function decideSession(
  command: SessionCommand,
  state: SessionState,
): SessionEvent[] | Decision<SessionEvent, RefreshOutcome> {
  if (command.type === 'StartSession') {
    if (state.status !== 'none') throw new DomainError('validation_failed', 'The session already exists.');
    const { type: _type, ...data } = command;
    return [{ type: 'LoggedIn', data }];
  }
  if (state.status === 'none') {
    if (command.type === 'EndSession') return [];
    if (command.type === 'ReauthenticateSession') throw sessionEnded();
    throw invalidRefreshToken();
  }
  const { sessionId, userId } = state;
  if (command.type === 'EndSession') {
    if (state.status === 'revoked') return [];
    return [{ type: 'LoggedOut', data: { sessionId, userId, reason: command.reason } }];
  }
  if (command.type === 'ReauthenticateSession') {
    // The one refresh token of the session rotates with it, so the response is a full token pair.
    const rotated = state.status === 'active' ? rotationOf(state, command) : null;
    if (rotated === null) throw sessionEnded();
    const { ip, userAgent } = command;
    const at = command.now.toISOString();
    return [{ type: 'SessionReauthenticated', data: { sessionId, userId, at, ip, userAgent } }, rotated];
  }
  if (state.status === 'revoked') throw invalidRefreshToken();
  const now = command.now.getTime();
  if (command.presentedDigest === state.currentDigest) {
    const rotated = rotationOf(state, command);
    if (rotated === null) throw invalidRefreshToken();
    return { events: [rotated], outcome: 'rotated' };
  }
  const superseded = state.supersededDigests.find((s) => s.digest === command.presentedDigest);
  // A grace of 0 is none at all, even for a reuse in the very millisecond of the rotation.
  const withinGrace =
    superseded !== undefined &&
    command.reuseGraceMs > 0 &&
    now - superseded.rotatedAt.getTime() <= command.reuseGraceMs;
  if (withinGrace) {
    throw invalidRefreshToken();
  }
  if (superseded !== undefined || state.forgottenDigests > 0) {
    const events: SessionEvent[] = [
      { type: 'RefreshTokenReuseDetected', data: { sessionId, userId } },
      { type: 'LoggedOut', data: { sessionId, userId, reason: 'reuse' } },
    ];
    return { events, outcome: 'reused' };
  }
  throw invalidRefreshToken();
}

export const sessionDecider: Decider<SessionCommand, SessionEvent, SessionState, RefreshOutcome> = {
  initialState: initialSessionState,
  evolve: evolveSession,
  decide: decideSession,
};
