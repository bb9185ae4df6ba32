import type { Decider, Decision } from '../shared/decider.js';
import { DomainError } from '../shared/domain-error.js';
import type { Recorded } from '../shared/event.js';
import type { LoggedIn, LogoutReason, SessionEvent } from './session.events.js';

export interface OpenedSession {
  readonly status: 'active' | 'revoked';
  readonly sessionId: string;
  readonly userId: string;
  readonly currentDigest: string;
  /** Every digest this session has rotated away from: presenting one again is reuse. */
  readonly usedDigests: ReadonlySet<string>;
  readonly expiresAt: Date;
  readonly createdAt: Date;
  readonly lastRefreshedAt: Date | null;
  readonly ip: string | null;
  readonly userAgent: string | null;
  readonly revokedReason: LogoutReason | null;
}
export type SessionState = { readonly status: 'none' } | OpenedSession;

export type SessionCommand =
  | ({ readonly type: 'StartSession' } & LoggedIn['data'])
  | {
      readonly type: 'RefreshSession';
      readonly presentedDigest: string;
      readonly newDigest: string;
      readonly expiresAt: Date;
      readonly now: Date;
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
      usedDigests: new Set(),
      expiresAt: new Date(d.expiresAt),
      createdAt: event.occurredAt,
      lastRefreshedAt: null,
      ip: d.ip,
      userAgent: d.userAgent,
      revokedReason: null,
    };
  }
  if (state.status === 'none') return state;
  switch (event.type) {
    case 'TokenRefreshed':
      return {
        ...state,
        usedDigests: new Set([...state.usedDigests, state.currentDigest]),
        currentDigest: event.data.refreshTokenDigest,
        expiresAt: new Date(event.data.expiresAt),
        lastRefreshedAt: event.occurredAt,
      };
    case 'RefreshTokenReuseDetected':
      return state;
    case 'LoggedOut':
      return { ...state, status: 'revoked', revokedReason: event.data.reason };
  }
}

const invalidRefresh = (): DomainError =>
  new DomainError('refresh_token_invalid', 'The refresh token is invalid, expired or revoked.');

/**
 * Token-family rotation: only the current refresh token rotates; an earlier one revokes the whole
 * session (as Auth0 and Supabase do), so a stolen token stops working for thief and victim alike.
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
    throw invalidRefresh();
  }
  const { sessionId, userId } = state;
  if (command.type === 'EndSession') {
    if (state.status === 'revoked') return [];
    return [{ type: 'LoggedOut', data: { sessionId, userId, reason: command.reason } }];
  }
  if (state.status === 'revoked') throw invalidRefresh();
  if (command.presentedDigest === state.currentDigest) {
    if (command.now.getTime() >= state.expiresAt.getTime()) throw invalidRefresh();
    const data = {
      sessionId,
      userId,
      refreshTokenDigest: command.newDigest,
      expiresAt: command.expiresAt.toISOString(),
    };
    return { events: [{ type: 'TokenRefreshed', data }], outcome: 'rotated' };
  }
  if (state.usedDigests.has(command.presentedDigest)) {
    const events: SessionEvent[] = [
      { type: 'RefreshTokenReuseDetected', data: { sessionId, userId } },
      { type: 'LoggedOut', data: { sessionId, userId, reason: 'reuse' } },
    ];
    return { events, outcome: 'reused' };
  }
  throw invalidRefresh();
}

export const sessionDecider: Decider<SessionCommand, SessionEvent, SessionState, RefreshOutcome> = {
  initialState: initialSessionState,
  evolve: evolveSession,
  decide: decideSession,
};
