/**
 * Writes a realistic event log straight into an embedded (SQLite) event store file through
 * SqliteEventStore.append, one append per stream (a stream's events in one batch).
 *
 * Per user, 20 events: IdentifierClaimed (email claim stream), UserRegistered (user stream),
 * 4 sessions of LoggedIn + 3 TokenRefreshed (one of them ended by LoggedOut), and one LoginFailed
 * (wrong password, in the hour's login-failures stream). The shapes are the domain's event types.
 *   node gen-events.js <file> <events>
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import type { IdentifierClaimed } from '../../src/domain/identity-claim/identity-claim.events.js';
import { claimStreamId } from '../../src/domain/identity-claim/identity-claim.events.js';
import type { LoginFailed } from '../../src/domain/login-attempt/login-attempt.events.js';
import { guessBudgetStreamId } from '../../src/domain/login-attempt/login-attempt.events.js';
import type { LoggedIn, LoggedOut, TokenRefreshed } from '../../src/domain/session/session.events.js';
import { sessionStreamId } from '../../src/domain/session/session.events.js';
import type { UserRegistered } from '../../src/domain/user/user.events.js';
import { userStreamId } from '../../src/domain/user/user.events.js';
import type { EventMetadata, NewEvent } from '../../src/application/ports/event-store.port.js';
import { SqliteEventStore } from '../../src/infrastructure/event-store/sqlite-event-store.js';

const [file, eventsArg = '1000000'] = process.argv.slice(2);
if (file === undefined) throw new Error('usage: gen-events.js <file> <events>');
const target = Number(eventsArg);
const EVENTS_PER_USER = 20;
const SESSIONS_PER_USER = 4;
const REFRESHES_PER_SESSION = 3;

// A real bcrypt hash shape (cost 10); its value is never checked during a replay.
const PASSWORD_HASH = '$2b$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy';

for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
const store = new SqliteEventStore({ file });

const type = <E extends { type: string; data: object }>(event: E): NewEvent => ({
  type: event.type,
  data: event.data as Record<string, unknown>,
});
const digest = (): string => randomBytes(32).toString('base64url');

const users = Math.ceil(target / EVENTS_PER_USER);
let clock = Date.now() - 6 * 86_400_000;
const tick = (ms: number): Date => new Date((clock += ms));
let appends = 0;
let written = 0;

const started = performance.now();
for (let u = 0; u < users && written < target; u++) {
  const userId = randomUUID();
  const email = `user-${u}@bench.example`;
  const ip = `10.${(u >> 16) & 255}.${(u >> 8) & 255}.${u & 255}`;
  const userAgent = 'Mozilla/5.0 (X11; Linux x86_64) bench/1.0';
  const metadata: EventMetadata = { requestId: randomUUID(), ip, userAgent, actorId: userId };
  const append = async (streamId: string, events: NewEvent[], at: Date): Promise<void> => {
    const batch = events.slice(0, target - written);
    if (batch.length === 0) return;
    await store.append({ streamId, expectedVersion: 'any', events: batch, metadata, occurredAt: at });
    appends += 1;
    written += batch.length;
  };

  const claimed: IdentifierClaimed = {
    type: 'IdentifierClaimed',
    data: { kind: 'email', value: email, userId },
  };
  await append(claimStreamId('email', email), [type(claimed)], tick(50));
  const registered: UserRegistered = {
    type: 'UserRegistered',
    data: {
      userId,
      email,
      username: null,
      fullName: `Bench User ${u}`,
      passwordHash: PASSWORD_HASH,
      role: 'user',
    },
  };
  await append(userStreamId(userId), [type(registered)], tick(50));

  const failedAt = tick(1_000);
  const failed: LoginFailed = {
    type: 'LoginFailed',
    data: {
      attemptId: randomUUID(),
      identifier: email,
      userId,
      outcome: 'invalid_credentials',
      ip,
      userAgent,
    },
  };
  await append(guessBudgetStreamId('address', `${ip}-${email}`, failedAt), [type(failed)], failedAt);

  for (let s = 0; s < SESSIONS_PER_USER; s++) {
    const sessionId = randomUUID();
    const expiresAt = new Date(clock + 7 * 86_400_000).toISOString();
    const events: NewEvent[] = [];
    const loggedIn: LoggedIn = {
      type: 'LoggedIn',
      data: { sessionId, userId, identifier: email, refreshTokenDigest: digest(), expiresAt, ip, userAgent },
    };
    events.push(type(loggedIn));
    for (let r = 0; r < REFRESHES_PER_SESSION; r++) {
      const refreshed: TokenRefreshed = {
        type: 'TokenRefreshed',
        data: { sessionId, userId, refreshTokenDigest: digest(), expiresAt },
      };
      events.push(type(refreshed));
    }
    if (s === 0) {
      const loggedOut: LoggedOut = { type: 'LoggedOut', data: { sessionId, userId, reason: 'user' } };
      events.push(type(loggedOut));
    }
    await append(sessionStreamId(sessionId), events, tick(200));
  }
  if (u % 10_000 === 0 && u > 0) process.stderr.write(`generated ${written} events\n`);
}
const seconds = (performance.now() - started) / 1000;
const head = await store.headPosition();
await store.close();
process.stdout.write(
  `${JSON.stringify({ file, events: head, users, appends, seconds, eventsPerSecond: head / seconds, appendsPerSecond: appends / seconds })}\n`,
);
