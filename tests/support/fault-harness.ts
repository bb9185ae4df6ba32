/**
 * What the fault tests (tests/faults/) share: requests that never hang and never throw, a record
 * of what the service acknowledged, and the two checks every fault must pass afterwards:
 *   - everything acknowledged (a 2xx) has its events in the store;
 *   - the read models equal a rebuild from position 0 (same documents, and each document at the
 *     position of the last event that changed it: an event applied twice or skipped shows).
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Db } from 'mongodb';
import { expect } from 'vitest';
import type { DataKeyStore } from '../../src/application/ports/data-key-store.port.js';
import { MongoEventStore } from '../../src/infrastructure/event-store/mongo-event-store.js';
import { SqliteEventStore } from '../../src/infrastructure/event-store/sqlite-event-store.js';
import { MongoDataKeyStore } from '../../src/infrastructure/privacy/mongo-data-key-store.js';
import { SqliteDataKeyStore } from '../../src/infrastructure/privacy/sqlite-data-key-store.js';
import { DATA_KEYS_FILE, EVENTS_FILE, sealing } from '../../src/infrastructure/runtime/storage.js';
import type { EventStore, StoredEvent } from '../../src/application/ports/event-store.port.js';
import {
  loginAttemptsProjection,
  sessionsProjection,
  usersProjection,
  type Projection,
} from '../../src/application/projections/index.js';
import { CHECKPOINTS_COLLECTION } from '../../src/infrastructure/read-models/mongo/mongo-projection-store.js';
import { LOGIN_ATTEMPTS_COLLECTION } from '../../src/infrastructure/read-models/mongo/mongo-login-attempt-read-model.js';
import { SESSIONS_COLLECTION } from '../../src/infrastructure/read-models/mongo/mongo-session-read-model.js';
import { USERS_COLLECTION } from '../../src/infrastructure/read-models/mongo/mongo-user-read-model.js';

export const FAULT_PASSWORD = 'fault tolerant passphrase';

/** Service settings for fault tests: cheapest bcrypt, limits no burst trips. */
export const FAULT_ENV: Record<string, string> = {
  BCRYPT_COST: '10',
  RATE_LIMIT_LOGIN_PER_MINUTE: '1000000',
  RATE_LIMIT_REGISTER_PER_HOUR: '1000000',
  LOCKOUT_THRESHOLD: '1000',
  JWT_ISSUER: 'http://faults.test',
  DATA_ENCRYPTION_KEY: 'dGVzdC1tYXN0ZXIta2V5LW9mLXRoaXJ0eS10d28tYnk=',
};

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

// --- requests ------------------------------------------------------------------------------------

export interface Outcome {
  readonly label: string;
  /** 0 when no HTTP answer came (connection refused or reset, or the timeout). */
  readonly status: number;
  readonly contentType: string;
  /** The Retry-After header, if any. */
  readonly retryAfter: string | null;
  readonly body: unknown;
  readonly text: string;
  readonly startedAt: number;
  readonly ms: number;
  readonly error?: string;
}

export interface CallOptions {
  readonly method?: string;
  readonly json?: unknown;
  readonly token?: string;
  /** Extra request headers (e.g. X-Forwarded-For behind TRUST_PROXY). */
  readonly headers?: Readonly<Record<string, string>>;
  /** A request still unanswered after this counts as a hang (status 0). Default 20 s. */
  readonly timeoutMs?: number;
}

/** One request that always resolves: a missing answer is status 0 with the reason. */
export async function call(baseUrl: string, path: string, options: CallOptions = {}): Promise<Outcome> {
  const headers = new Headers(options.headers);
  if (options.json !== undefined) headers.set('Content-Type', 'application/json');
  if (options.token !== undefined) headers.set('Authorization', `Bearer ${options.token}`);
  const startedAt = Date.now();
  const label = `${options.method ?? 'GET'} ${path}`;
  try {
    const response = await fetch(`${baseUrl}${path}`, {
      method: options.method ?? 'GET',
      headers,
      ...(options.json !== undefined ? { body: JSON.stringify(options.json) } : {}),
      signal: AbortSignal.timeout(options.timeoutMs ?? 20_000),
    });
    const text = await response.text();
    let body: unknown = null;
    try {
      body = text === '' ? null : JSON.parse(text);
    } catch {
      body = null;
    }
    return {
      label,
      status: response.status,
      contentType: response.headers.get('content-type') ?? '',
      retryAfter: response.headers.get('retry-after'),
      body,
      text,
      startedAt,
      ms: Date.now() - startedAt,
    };
  } catch (error) {
    const reason =
      error instanceof Error
        ? `${error.name}: ${error.message}${error.cause instanceof Error ? ` (${error.cause.message})` : ''}`
        : String(error);
    return {
      label,
      status: 0,
      contentType: '',
      retryAfter: null,
      body: null,
      text: '',
      startedAt,
      ms: Date.now() - startedAt,
      error: reason,
    };
  }
}

/** An outcome in one line, for failure messages. */
export const describeOutcome = (o: Outcome): string =>
  `${new Date(o.startedAt).toISOString()} ${o.label} → ${o.status}${o.error !== undefined ? ` (${o.error})` : ''} in ${o.ms} ms ${o.text.slice(0, 200)}`;

export interface TokenBody {
  readonly access_token: string;
  readonly refresh_token: string;
}

export const isTokenBody = (body: unknown): body is TokenBody =>
  typeof body === 'object' && body !== null && 'access_token' in body && 'refresh_token' in body;

/** The `sid` claim of an access token (no verification: the service issued it). */
export function sessionIdOf(accessToken: string): string {
  const payload = accessToken.split('.')[1] ?? '';
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { sid?: unknown };
  if (typeof claims.sid !== 'string') throw new Error('access token without sid');
  return claims.sid;
}

/** What the store keeps of a refresh token (see OpaqueRefreshTokenCodec). */
export const refreshTokenDigest = (token: string): string =>
  createHash('sha256').update(token, 'utf8').digest('base64url');

// --- what was acknowledged -------------------------------------------------------------------

export type Ack =
  | { readonly kind: 'register'; readonly userId: string; readonly email: string }
  | { readonly kind: 'login' | 'refresh'; readonly sessionId: string; readonly refreshToken: string };

/** Records the acknowledgement a 2xx outcome carries, if it is a registration, login or refresh. */
export function ackOf(kind: 'register' | 'login' | 'refresh', outcome: Outcome, email = ''): Ack | null {
  if (kind === 'register') {
    if (outcome.status !== 201) return null;
    const body = outcome.body as { id?: unknown };
    return typeof body.id === 'string' ? { kind, userId: body.id, email } : null;
  }
  if (outcome.status !== 200 || !isTokenBody(outcome.body)) return null;
  return {
    kind,
    sessionId: sessionIdOf(outcome.body.access_token),
    refreshToken: outcome.body.refresh_token,
  };
}

/** Every acknowledged registration, login and refresh has its event in `events`. */
export function expectAcknowledgedInStore(acks: readonly Ack[], events: readonly StoredEvent[]): void {
  const registered = new Set<string>();
  const issued = new Set<string>();
  for (const event of events) {
    if (event.type === 'UserRegistered') registered.add(String(event.data['userId']));
    if (event.type === 'LoggedIn' || event.type === 'TokenRefreshed') {
      issued.add(
        `${event.type}:${String(event.data['sessionId'])}:${String(event.data['refreshTokenDigest'])}`,
      );
    }
  }
  const missing: string[] = [];
  for (const ack of acks) {
    if (ack.kind === 'register') {
      if (!registered.has(ack.userId)) missing.push(`UserRegistered for ${ack.userId}`);
    } else {
      const type = ack.kind === 'login' ? 'LoggedIn' : 'TokenRefreshed';
      if (!issued.has(`${type}:${ack.sessionId}:${refreshTokenDigest(ack.refreshToken)}`))
        missing.push(`${type} of session ${ack.sessionId}`);
    }
  }
  expect(missing, `acknowledged but not in the store (${missing.length} of ${acks.length})`).toEqual([]);
}

// --- the event log and the read models ----------------------------------------------------------

/**
 * The log as the service reads it: personal fields opened with the data keys under FAULT_ENV's
 * master key. The stored log (sealed fields) is what `verify-log` hashes; projections read this.
 */
export function openedLog(stored: EventStore, keys: DataKeyStore): EventStore {
  return sealing(stored, keys, Buffer.from(FAULT_ENV['DATA_ENCRYPTION_KEY'] ?? '', 'base64')).eventStore;
}

export const openedMongoLog = async (db: Db): Promise<EventStore> =>
  openedLog(await MongoEventStore.create(db), new MongoDataKeyStore(db));

/** DATA_DIR's log, read beside a running process (SQLite in WAL mode allows that). */
export function openedEmbeddedLog(dataDir: string): { log: EventStore; close(): Promise<void> } {
  const keys = new SqliteDataKeyStore({ file: path.join(dataDir, DATA_KEYS_FILE) });
  const log = openedLog(new SqliteEventStore({ file: path.join(dataDir, EVENTS_FILE) }), keys);
  return { log, close: async () => void (await Promise.all([log.close(), keys.close()])) };
}

export async function readAllEvents(store: EventStore): Promise<StoredEvent[]> {
  const events: StoredEvent[] = [];
  for (;;) {
    const batch = await store.readAll(events[events.length - 1]?.position ?? 0, 1000);
    if (batch.length === 0) return events;
    events.push(...batch);
  }
}

export interface PositionedRecord {
  readonly id: string;
  readonly position: number;
  readonly doc: Readonly<Record<string, unknown>>;
}

/**
 * A rebuild from position 0 in memory: each projection folded over the whole log, as the
 * projection runner applies it (a document keeps the position of the last event that changed it).
 */
export function rebuild<Doc extends object>(
  projection: Projection<Doc>,
  events: readonly StoredEvent[],
): PositionedRecord[] {
  const docs = new Map<string, { doc: Doc; position: number }>();
  for (const event of events) {
    if (!projection.eventTypes.has(event.type)) continue;
    const id = projection.documentId(event);
    if (id === null) continue;
    const before = docs.get(id);
    const after = projection.evolve(before?.doc ?? null, event);
    if (after === null || after === before?.doc) continue;
    docs.set(id, { doc: after, position: event.position });
  }
  return [...docs.entries()]
    .map(([id, { doc, position }]) => ({ id, position, doc: doc as Readonly<Record<string, unknown>> }))
    .sort((a, b) => a.id.localeCompare(b.id));
}

const MONGO_READ_MODELS = [
  { collection: USERS_COLLECTION, projection: usersProjection as Projection<object> },
  { collection: SESSIONS_COLLECTION, projection: sessionsProjection as Projection<object> },
  { collection: LOGIN_ATTEMPTS_COLLECTION, projection: loginAttemptsProjection as Projection<object> },
];

/** Waits until every read model's stored checkpoint reaches `head`; returns the checkpoints. */
export async function waitForCheckpoints(
  db: Db,
  head: number,
  timeoutMs = 30_000,
): Promise<Record<string, number>> {
  const deadline = Date.now() + timeoutMs;
  let seen: Record<string, number> = {};
  while (Date.now() < deadline) {
    seen = await storedCheckpoints(db);
    const names = MONGO_READ_MODELS.map(({ projection }) => projection.name);
    if (names.every((name) => (seen[name] ?? 0) >= head)) return seen;
    await sleep(200);
  }
  throw new Error(`read models did not reach position ${head} in ${timeoutMs} ms: ${JSON.stringify(seen)}`);
}

export async function storedCheckpoints(db: Db): Promise<Record<string, number>> {
  const records = await db
    .collection<{ _id: string; position: number }>(CHECKPOINTS_COLLECTION)
    .find({})
    .toArray();
  return Object.fromEntries(records.map((record) => [record._id, record.position]));
}

/** The MongoDB read models hold exactly what a rebuild from position 0 produces. */
export async function expectMongoReadModelsEqualRebuild(
  db: Db,
  events: readonly StoredEvent[],
): Promise<void> {
  for (const { collection, projection } of MONGO_READ_MODELS) {
    const records = await db.collection<{ _id: string; _pos: number }>(collection).find({}).toArray();
    const actual: PositionedRecord[] = records
      .map(({ _id, _pos, ...doc }) => ({ id: _id, position: _pos, doc }))
      .sort((a, b) => a.id.localeCompare(b.id));
    const expected = rebuild(projection, events);
    expect(actual.length, `${collection}: documents`).toBe(expected.length);
    expect(actual, `${collection} differs from a rebuild from position 0`).toEqual(expected);
  }
}

/** Allowed statuses only, and every 5xx a 503 problem document; returns the offenders. */
export function unexpectedOutcomes(outcomes: readonly Outcome[], allowed: ReadonlySet<number>): Outcome[] {
  return outcomes.filter((o) => {
    if (!allowed.has(o.status)) return true;
    if (o.status === 503) {
      const problem = o.body as { status?: unknown } | null;
      return !o.contentType.startsWith('application/problem+json') || problem?.status !== 503;
    }
    return false;
  });
}

// --- mixed traffic -----------------------------------------------------------------------------

export type Kind = 'register' | 'login' | 'refresh' | 'me';

interface Chain {
  readonly email: string;
  readonly sessionId: string;
  refreshToken: string;
  accessToken: string;
}

let emailCounter = 0;
const freshEmail = (): string => `fault.${process.pid}.${Date.now()}.${++emailCounter}@example.com`;

/**
 * Registrations, logins and refreshes from several concurrent workers, over one or more
 * instances (round robin). A refresh chain is used by one request at a time; a chain whose last
 * request got no 200 is dropped (its token may or may not have been rotated), so every chain
 * left in `chains` holds a token the service acknowledged last.
 */
export class Traffic {
  readonly outcomes: { readonly kind: Kind; readonly outcome: Outcome }[] = [];
  readonly acks: Ack[] = [];
  readonly users: string[] = [];
  readonly chains: Chain[] = [];
  private next = 0;
  private stopped = false;
  private running: Promise<void>[] = [];

  constructor(
    private readonly baseUrls: readonly string[],
    private readonly timeoutMs = 20_000,
  ) {}

  private baseUrl(): string {
    const url = this.baseUrls[this.next++ % this.baseUrls.length];
    if (url === undefined) throw new Error('no instance');
    return url;
  }

  private record(kind: Kind, outcome: Outcome, email = ''): Ack | null {
    this.outcomes.push({ kind, outcome });
    if (kind === 'me') return null;
    const ack = ackOf(kind, outcome, email);
    if (ack !== null) this.acks.push(ack);
    return ack;
  }

  async register(): Promise<Outcome> {
    const email = freshEmail();
    const outcome = await call(this.baseUrl(), '/auth/register', {
      method: 'POST',
      json: { email, password: FAULT_PASSWORD },
      timeoutMs: this.timeoutMs,
    });
    if (this.record('register', outcome, email) !== null) this.users.push(email);
    return outcome;
  }

  async login(email = this.users[Math.floor(Math.random() * this.users.length)]): Promise<Outcome> {
    if (email === undefined) return this.register();
    const outcome = await call(this.baseUrl(), '/auth/login', {
      method: 'POST',
      json: { email, password: FAULT_PASSWORD },
      timeoutMs: this.timeoutMs,
    });
    const ack = this.record('login', outcome);
    if (ack !== null && ack.kind === 'login' && isTokenBody(outcome.body)) {
      this.chains.push({
        email,
        sessionId: ack.sessionId,
        refreshToken: ack.refreshToken,
        accessToken: outcome.body.access_token,
      });
    }
    return outcome;
  }

  async refresh(): Promise<Outcome> {
    const chain = this.chains.splice(Math.floor(Math.random() * this.chains.length), 1)[0];
    if (chain === undefined) return this.login();
    const outcome = await call(this.baseUrl(), '/auth/refresh', {
      method: 'POST',
      json: { refresh_token: chain.refreshToken },
      timeoutMs: this.timeoutMs,
    });
    const ack = this.record('refresh', outcome);
    if (ack !== null && ack.kind === 'refresh' && isTokenBody(outcome.body)) {
      chain.refreshToken = ack.refreshToken;
      chain.accessToken = outcome.body.access_token;
      this.chains.push(chain);
    }
    return outcome;
  }

  /** An authenticated read (`GET /users/me`) with the access token of a chain. */
  async me(): Promise<Outcome> {
    const chain = this.chains[Math.floor(Math.random() * this.chains.length)];
    if (chain === undefined) return this.login();
    const outcome = await call(this.baseUrl(), '/users/me', {
      token: chain.accessToken,
      timeoutMs: this.timeoutMs,
    });
    this.record('me', outcome);
    return outcome;
  }

  /** One mixed step: mostly refreshes and reads (cheap), some logins and registrations (bcrypt). */
  step(): Promise<Outcome> {
    const roll = Math.random();
    if (this.users.length === 0 || roll < 0.15) return this.register();
    if (this.chains.length === 0 || roll < 0.4) return this.login();
    if (roll < 0.55) return this.me();
    return this.refresh();
  }

  /** Starts `workers` loops of `step` (the mixed one by default) until `stop`. */
  start(workers: number, pauseMs = 0, step: () => Promise<Outcome> = () => this.step()): void {
    this.stopped = false;
    for (let i = 0; i < workers; i++) {
      this.running.push(
        (async () => {
          while (!this.stopped) {
            await step();
            if (pauseMs > 0) await sleep(pauseMs);
          }
        })(),
      );
    }
  }

  /** Stops the workers and waits for their requests to settle. */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.running);
    this.running = [];
  }

  /** Outcomes of `kind` whose request started in [from, to). */
  between(from: number, to: number, kind?: Kind): Outcome[] {
    return this.outcomes
      .filter(
        (o) =>
          (kind === undefined || o.kind === kind) && o.outcome.startedAt >= from && o.outcome.startedAt < to,
      )
      .map((o) => o.outcome);
  }
}
