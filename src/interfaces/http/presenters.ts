import type { TokenPair } from '../../application/auth/token-pair.js';
import type { LoginAttemptView } from '../../application/ports/login-attempt-read-model.port.js';
import type { ListedSession } from '../../application/sessions/user-sessions.use-case.js';
import type { UserProfile } from '../../application/user-profile.js';
import type { SessionView } from '../../application/ports/session-read-model.port.js';
import type { AccountExport } from '../../application/users/account-records.use-case.js';
import type { PublicEvent } from '../../application/admin/public-event.js';

/** The wire shapes of API.md: snake_case, and never a hash, digest or secret. */
export const presentUser = (u: UserProfile) => ({
  id: u.id,
  email: u.email,
  username: u.username,
  full_name: u.fullName,
  role: u.role,
  is_active: u.isActive,
  mfa_enabled: u.mfaEnabled,
  email_verified: u.emailVerified,
  created_at: u.createdAt,
  updated_at: u.updatedAt,
});

/** OIDC Core §5.3.2 UserInfo: standard claim names, `updated_at` in seconds since the epoch. */
export const presentUserInfo = (u: UserProfile) => ({
  sub: u.id,
  email: u.email,
  email_verified: u.emailVerified,
  name: u.fullName,
  preferred_username: u.username,
  updated_at: Math.floor(Date.parse(u.updatedAt) / 1000),
});

export const presentTokens = (t: TokenPair) => ({
  access_token: t.accessToken,
  token_type: 'bearer',
  expires_in: t.expiresIn,
  refresh_token: t.refreshToken,
  refresh_expires_in: t.refreshExpiresIn,
  ...(t.deviceToken !== undefined ? { device_token: t.deviceToken } : {}),
});

const sessionFields = (s: ListedSession | SessionView) => ({
  id: s.id,
  created_at: s.createdAt,
  last_refreshed_at: s.lastRefreshedAt,
  expires_at: s.expiresAt,
  ip: s.ip,
  user_agent: s.userAgent,
});

export const presentSession = (s: ListedSession) => ({ ...sessionFields(s), current: s.current });

export const presentSessionRecord = (s: SessionView) => ({
  ...sessionFields(s),
  revoked_at: s.revokedAt,
  revoked_reason: s.revokedReason,
});

/** An event about a user, secrets left out, with its place in the audit chain. */
export const presentUserEvent = (e: PublicEvent) => ({
  type: e.type,
  version: e.version,
  stream_version: e.streamVersion,
  position: e.position,
  occurred_at: e.occurredAt,
  data: e.data,
  hash: e.hash,
  prev_hash: e.prevHash,
});

export const presentExport = (x: AccountExport) => ({
  user: presentUser(x.user),
  sessions: x.sessions.map(presentSessionRecord),
  login_attempts: x.loginAttempts.map(presentAttempt),
  events: x.events.map((e) => ({ ...presentUserEvent(e), stream_id: e.streamId })),
});

export const presentAttempt = (a: LoginAttemptView) => ({
  id: a.id,
  occurred_at: a.occurredAt,
  outcome: a.outcome,
  user_id: a.userId,
  identifier: a.identifier,
  ip: a.ip,
  user_agent: a.userAgent,
  session_id: a.sessionId,
  count: a.count,
  // Documents written before the field existed lack it: there was no second factor then.
  second_factor: a.secondFactor ?? null,
});
