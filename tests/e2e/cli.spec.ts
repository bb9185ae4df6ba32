/**
 * The operator CLI as operators run it: built by tsc into dist/ and started as a child process
 * over the storage a test app populated, then the effects read back through a restarted app.
 */
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeProtectedHeader } from 'jose';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECKPOINTS_COLLECTION } from '../../src/infrastructure/read-models/mongo/mongo-projection-store.js';
import { USERS_COLLECTION } from '../../src/infrastructure/read-models/mongo/mongo-user-read-model.js';
import { mailSettled } from '../support/events.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = path.join(ROOT, 'dist', 'interfaces', 'cli', 'main.js');
const PASSWORD = 'a long passphrase';

interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A clean environment: only the storage and what the test apps use, nothing from the caller's shell. */
function runCli(args: readonly string[], storage: TestApp['storage']): Promise<CliResult> {
  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? '',
    BCRYPT_COST: '10',
    JWT_ISSUER: 'http://auth.test',
    DATA_ENCRYPTION_KEY: 'dGVzdC1tYXN0ZXIta2V5LW9mLXRoaXJ0eS10d28tYnk=',
    ...(storage.dataDir !== undefined ? { DATA_DIR: storage.dataDir } : {}),
    ...(storage.mongoUri !== undefined ? { MONGODB_URI: storage.mongoUri } : {}),
  };
  return new Promise((resolve, reject) => {
    // process.execPath: the Node 24 the tests run on (node:sqlite), not whatever `node` is first on PATH.
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const lines = (text: string): string[] => text.split('\n').filter((line) => line !== '');

async function json<T>(response: Response, status = 200): Promise<T> {
  expect(response.status).toBe(status);
  return (await response.json()) as T;
}

interface Tokens {
  readonly access_token: string;
  readonly refresh_token: string;
}

// The CLI runs with bcrypt; its apps do too, so the projection timing the rebuild test relies on holds.
const BCRYPT = { PASSWORD_HASHER: 'bcrypt' };

const register = async (app: TestApp, email: string): Promise<{ id: string }> =>
  json(await app.request('/auth/register', { method: 'POST', json: { email, password: PASSWORD } }), 201);

const logIn = async (app: TestApp, email: string, password = PASSWORD, status = 200): Promise<Tokens> =>
  json(await app.request('/auth/login', { method: 'POST', json: { email, password } }), status);

const roleOf = async (app: TestApp, token: string): Promise<string> =>
  (await json<{ role: string }>(await app.request('/users/me', { token }))).role;

beforeAll(() => {
  const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const build = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  expect(build.status, `tsc -p tsconfig.build.json failed:\n${build.stdout}${build.stderr}`).toBe(0);
}, 180_000);

describe('auth-cli over the embedded store', () => {
  let app: TestApp;
  let alice: { id: string };
  let bob: { id: string };
  let bobTokens: Tokens;
  let head: number;
  let beforeAliceLoggedIn: Date;

  /** Another instance over the same DATA_DIR: what a restart sees. */
  const restart = (): Promise<TestApp> => startTestApp('embedded', { shareWith: app, env: BCRYPT });

  beforeAll(async () => {
    app = await startTestApp('embedded', { env: BCRYPT });
    alice = await register(app, 'alice@example.com');
    bob = await register(app, 'bob@example.com');
    beforeAliceLoggedIn = new Date();
    await new Promise((resolve) => setTimeout(resolve, 5));
    await logIn(app, 'alice@example.com');
    await logIn(app, 'Alice@Example.com', 'not the passphrase', 401);
    bobTokens = await logIn(app, 'bob@example.com');
    // The CLI works on the store, not through a running app: no race with its projections.
    head = await headAfterStop(app);
  });
  afterAll(async () => {
    await app.dispose();
  });

  it('prints help for the program and each command, with exit code 0', async () => {
    const top = await runCli(['--help'], app.storage);
    expect(top.code).toBe(0);
    for (const command of [
      'rebuild',
      'grant-admin',
      'revoke-admin',
      'rotate-keys',
      'stats',
      'export-login-attempts',
      'mail-status',
      'show-user',
      'retention',
    ]) {
      expect(top.stdout).toContain(command);
    }
    expect(top.stdout).toContain('Exit status: 0 success, 1 operational failure, 2 usage error.');
    const rebuild = await runCli(['rebuild', '--help'], app.storage);
    expect(rebuild.code).toBe(0);
    expect(rebuild.stdout).toContain('--read-model <name...>');
    const viaHelp = await runCli(['help', 'export-login-attempts'], app.storage);
    expect(viaHelp.code).toBe(0);
    expect(viaHelp.stdout).toContain('--outcome <outcome>');
  });

  it.each([
    ['an unknown command', ['frobnicate']],
    ['no command', []],
    ['an unknown option', ['stats', '--bogus']],
    ['a read model that does not exist', ['rebuild', '--read-model', 'nope']],
    ['a malformed email', ['grant-admin', 'not-an-email']],
    ['a missing argument', ['revoke-admin']],
    ['a date that is not ISO-8601', ['export-login-attempts', '--from', 'yesterday']],
    ['an outcome that does not exist', ['export-login-attempts', '--outcome', 'maybe']],
    ['a user id that is not a UUID', ['show-user', 'alice']],
    [
      'an instant that is not ISO-8601',
      ['show-user', '00000000-0000-4000-8000-000000000000', '--as-of', 'May 5'],
    ],
  ])('exits with 2 and one line on stderr for %s', async (_, args) => {
    const result = await runCli(args, app.storage);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: /);
    expect(lines(result.stderr)).toHaveLength(1);
  });

  it('show-user: the account and its sessions now, and as they were before the login, from the log', async () => {
    interface Shown {
      as_of: string;
      user: { id: string; email: string };
      sessions: { id: string }[];
    }
    const now = await runCli(['show-user', alice.id], app.storage);
    expect(now.code, now.stderr).toBe(0);
    const current = JSON.parse(now.stdout) as Shown;
    expect(current.user).toMatchObject({ id: alice.id, email: 'alice@example.com' });
    expect(current.sessions).toHaveLength(1);

    const then = await runCli(
      ['show-user', alice.id, '--as-of', beforeAliceLoggedIn.toISOString()],
      app.storage,
    );
    expect(then.code, then.stderr).toBe(0);
    const before = JSON.parse(then.stdout) as Shown;
    expect(before.as_of).toBe(beforeAliceLoggedIn.toISOString());
    expect(before.user).toMatchObject({ id: alice.id, email: 'alice@example.com' });
    expect(before.sessions).toEqual([]);

    // Before the account existed, and an account that never did: exit 1, one line.
    for (const args of [
      ['show-user', alice.id, '--as-of', '2000-01-01'],
      ['show-user', '00000000-0000-4000-8000-000000000000'],
    ]) {
      const result = await runCli(args, app.storage);
      expect(result.code).toBe(1);
      expect(lines(result.stderr)).toHaveLength(1);
      expect(result.stdout).toBe('');
    }
  });

  it('stats: head, events by type, streams and the stored read-model checkpoints', async () => {
    const result = await runCli(['stats', '--json'], app.storage);
    expect(result.code).toBe(0);
    const stats = JSON.parse(result.stdout) as {
      mode: string;
      head: number;
      events: number;
      streams: number;
      events_by_type: Record<string, number>;
      read_models: unknown;
    };
    expect(stats).toMatchObject({
      mode: 'embedded',
      head,
      events: head,
      // The running app's projection runner saved them into DATA_DIR/read-models.sqlite.
      read_models: ['users', 'sessions', 'login-attempts', 'webhooks', 'mail-outbox'].map((name) => ({
        name,
        checkpoint: expect.any(Number) as number,
        lag: expect.any(Number) as number,
      })),
    });
    expect(stats.events_by_type).toMatchObject({ UserRegistered: 2, LoggedIn: 2, LoginFailed: 1 });
    expect(Object.values(stats.events_by_type).reduce((a, b) => a + b, 0)).toBe(head);
    // Two users, two sessions, one attempts stream at least, and the email claims.
    expect(stats.streams).toBeGreaterThanOrEqual(7);

    const table = await runCli(['stats'], app.storage);
    expect(table.code).toBe(0);
    expect(table.stdout).toContain(`Head position:  ${head}`);
    expect(table.stdout).toMatch(/LoginFailed\s+1/);
    expect(table.stdout).toMatch(/users\s+\d+\s+\(\d+ behind\)/);
  });

  it('mail-status: the outbox holds the verification mail of each registration, no address shown', async () => {
    const result = await runCli(['mail-status', '--json'], app.storage);
    expect(result.code, result.stderr).toBe(0);
    const status = JSON.parse(result.stdout) as {
      pending: number;
      sent: number;
      failing: number;
      messages: { kind: string }[];
    };
    expect(status.pending + status.sent).toBe(2);
    expect(status.messages.every((m) => m.kind === 'email-verification')).toBe(true);
    expect(result.stdout).not.toContain('@example.com');
    const table = await runCli(['mail-status'], app.storage);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^Pending: {2}\d+ \(\d+ failing\)$/m);
    expect(table.stdout).toMatch(/^Sent: {5}\d+$/m);
  });

  it('rebuild: replays the log with plain progress lines off a terminal, and says what embedded means', async () => {
    const result = await runCli(['rebuild'], app.storage);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      `Rebuilt users, sessions, login-attempts, webhooks, mail-outbox from position 0: ${head} events replayed in`,
    );
    expect(result.stdout).toContain(
      'Embedded store: the read models in DATA_DIR/read-models.sqlite were emptied',
    );
    expect(result.stderr).toContain(
      `rebuild users, sessions, login-attempts, webhooks, mail-outbox: ${head}/${head} events (100%)`,
    );

    const one = await runCli(
      ['rebuild', '--read-model', 'sessions', '--read-model', 'sessions'],
      app.storage,
    );
    expect(one.code).toBe(0);
    expect(one.stdout).toContain(`Rebuilt sessions from position 0: ${head} events replayed`);
  });

  it('export-login-attempts: NDJSON, newest first, filtered, with no secret', async () => {
    const all = await runCli(['export-login-attempts'], app.storage);
    expect(all.code).toBe(0);
    expect(all.stderr).toContain('Exported 3 login attempts.');
    const attempts = lines(all.stdout).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(attempts.map((a) => [a['identifier'], a['outcome']])).toEqual([
      ['bob@example.com', 'success'],
      ['alice@example.com', 'invalid_credentials'],
      ['alice@example.com', 'success'],
    ]);
    for (const attempt of attempts) {
      expect(Object.keys(attempt).sort()).toEqual(
        [
          'count',
          'id',
          'identifier',
          'ip',
          'occurred_at',
          'outcome',
          'second_factor',
          'session_id',
          'user_agent',
          'user_id',
        ].sort(),
      );
    }
    expect(all.stdout).not.toMatch(/password|hash|token|digest/i);

    const failed = await runCli(
      ['export-login-attempts', '--email', ' ALICE@example.com', '--outcome', 'invalid_credentials'],
      app.storage,
    );
    expect(failed.code).toBe(0);
    expect(lines(failed.stdout).map((line) => JSON.parse(line) as { user_id: string })).toEqual([
      expect.objectContaining({ user_id: alice.id, outcome: 'invalid_credentials' }),
    ]);
    const bobs = await runCli(['export-login-attempts', '--user-id', bob.id], app.storage);
    expect(lines(bobs.stdout)).toHaveLength(1);
    const future = await runCli(['export-login-attempts', '--from', '2999-01-01'], app.storage);
    expect(future.code).toBe(0);
    expect(future.stdout).toBe('');
  });

  it('retention --dry-run: nothing is due today; at an instant past the limit, today is; nothing goes', async () => {
    const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
    const now = await runCli(['retention', '--dry-run'], app.storage);
    expect(now.code, now.stderr).toBe(0);
    expect(lines(now.stdout)).toEqual([
      `Retention 90d: attempts of the days before ${day(Date.now() - 90 * 86_400_000)} are due.`,
      'Would destroy 0 keys of 0 days (dry run: nothing changed).',
    ]);
    const at = new Date(Date.now() + 92 * 86_400_000).toISOString();
    const later = await runCli(['retention', '--dry-run', '--at', at, '--json'], app.storage);
    expect(later.code, later.stderr).toBe(0);
    const report = JSON.parse(later.stdout) as { periods: { period: string; keys: number }[] };
    expect(report).toMatchObject({ retention_seconds: 90 * 86_400, applied: false });
    // Alice's and Bob's attempts of today, each under a key of their own, and maybe the day's own.
    expect(report.periods.map((p) => p.period)).toEqual([day(Date.now())]);
    expect(report.periods[0]?.keys).toBeGreaterThanOrEqual(2);
    const refused = await runCli(['retention', '--at', at], app.storage);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--at only previews what would be due');
    const bad = await runCli(['retention', '--dry-run', '--at', 'next week'], app.storage);
    expect(bad.code).toBe(2);
    // Nothing was destroyed: the attempts still name who tried.
    const attempts = await runCli(['export-login-attempts'], app.storage);
    expect(
      lines(attempts.stdout).map((line) => (JSON.parse(line) as { identifier: string }).identifier),
    ).toEqual(['bob@example.com', 'alice@example.com', 'alice@example.com']);
  });

  it('grant-admin then revoke-admin: the role seen by a restarted app, and a demotion ends the sessions', async () => {
    const granted = await runCli(['grant-admin', 'Alice@Example.com'], app.storage);
    expect(granted.code).toBe(0);
    expect(granted.stdout).toContain(`alice@example.com (user ${alice.id}) now has the role admin.`);

    const restarted = await restart();
    const tokens = await logIn(restarted, 'alice@example.com');
    expect(await roleOf(restarted, tokens.access_token)).toBe('admin');
    expect((await restarted.request('/admin/users', { token: tokens.access_token })).status).toBe(200);
    await restarted.stop();

    const revoked = await runCli(['revoke-admin', 'alice@example.com'], app.storage);
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toContain('now has the role user');

    const again = await restart();
    expect((await again.request('/users/me', { token: tokens.access_token })).status).toBe(401);
    expect(await roleOf(again, (await logIn(again, 'alice@example.com')).access_token)).toBe('user');
    await again.stop();
  });

  it('grant-admin for an unknown email fails with 1 and one line', async () => {
    const result = await runCli(['grant-admin', 'nobody@example.com'], app.storage);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('error: No user has the email nobody@example.com.\n');
    expect(result.stdout).toBe('');
  });

  it('rotate-keys: prints the new kid; a restarted app publishes both keys, signs with the new one and still accepts old tokens', async () => {
    const oldKid = decodeProtectedHeader(bobTokens.access_token).kid;
    const result = await runCli(['rotate-keys'], app.storage);
    expect(result.code).toBe(0);
    const kid = /^New signing key: (\S+)$/m.exec(result.stdout)?.[1];
    expect(kid).toBeDefined();
    expect(kid).not.toBe(oldKid);

    const restarted = await restart();
    try {
      const jwks = await json<{ keys: { kid: string }[] }>(await restarted.request('/.well-known/jwks.json'));
      expect(jwks.keys.map((key) => key.kid).sort()).toEqual([oldKid, kid].sort());
      expect((await restarted.request('/users/me', { token: bobTokens.access_token })).status).toBe(200);
      const fresh = await logIn(restarted, 'bob@example.com');
      expect(decodeProtectedHeader(fresh.access_token).kid).toBe(kid);
    } finally {
      await restarted.stop();
    }
  });
});

/** The stop writes one more event: the shutdown audit checkpoint over what came before it. */
async function headAfterStop(app: TestApp): Promise<number> {
  // The registrations' verification mails are recorded (MailSent) before the head is read.
  await mailSettled(app);
  await app.runtime.flushRefusals();
  const before = await app.runtime.storage.eventStore.headPosition();
  await app.stop();
  return before + 1;
}

describe('auth-cli over MongoDB', () => {
  let app: TestApp;
  let head: number;

  beforeAll(async () => {
    app = await startTestApp('mongodb', { env: BCRYPT });
    await register(app, 'carol@example.com');
    await logIn(app, 'carol@example.com');
    head = await headAfterStop(app);
  });
  afterAll(async () => {
    await app.dispose();
  });

  const checkpoints = async (): Promise<Record<string, number>> => {
    const result = await runCli(['stats', '--json'], app.storage);
    expect(result.code).toBe(0);
    const stats = JSON.parse(result.stdout) as {
      mode: string;
      head: number;
      read_models: { name: string; checkpoint: number }[];
    };
    expect(stats).toMatchObject({ mode: 'mongodb', head });
    return Object.fromEntries(stats.read_models.map(({ name, checkpoint }) => [name, checkpoint]));
  };

  it('rebuild: resets and refills the shared collections and their checkpoints, warning about running instances', async () => {
    expect(await checkpoints()).toEqual({
      users: head,
      sessions: head,
      'login-attempts': head,
      webhooks: head,
      'mail-outbox': head,
    });
    // Lose the users read model, as a bad deploy or a manual mistake would.
    const client = await new MongoClient(app.storage.mongoUri ?? '').connect();
    try {
      const db = client.db();
      await db.collection(USERS_COLLECTION).deleteMany({});
      await db.collection<{ _id: string }>(CHECKPOINTS_COLLECTION).deleteOne({ _id: 'users' });
      expect(await checkpoints()).toEqual({
        users: 0,
        sessions: head,
        'login-attempts': head,
        webhooks: head,
        'mail-outbox': head,
      });

      const result = await runCli(['rebuild', '--read-model', 'users'], app.storage);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(`Rebuilt users from position 0: ${head} events replayed in`);
      expect(result.stdout).not.toContain('Embedded store');
      expect(result.stderr).toContain('warning: running instances are not paused');
      expect(result.stderr).toContain(`${head}/${head} events (100%)`);
      expect(await db.collection(USERS_COLLECTION).countDocuments()).toBe(1);
      expect(await checkpoints()).toEqual({
        users: head,
        sessions: head,
        'login-attempts': head,
        webhooks: head,
        'mail-outbox': head,
      });
    } finally {
      await client.close();
    }

    const all = await runCli(['rebuild'], app.storage);
    expect(all.code).toBe(0);
    expect(all.stdout).toContain(
      `Rebuilt users, sessions, login-attempts, webhooks, mail-outbox from position 0: ${head} events replayed`,
    );
  });

  it('grant-admin: a restarted app reads the admin role', async () => {
    const result = await runCli(['grant-admin', 'carol@example.com'], app.storage);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('now has the role admin.');
    const restarted = await startTestApp('mongodb', { shareWith: app, env: BCRYPT });
    try {
      expect(await roleOf(restarted, (await logIn(restarted, 'carol@example.com')).access_token)).toBe(
        'admin',
      );
    } finally {
      await restarted.stop();
    }
  });
});
