import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { periodOf } from '../../src/application/privacy/personal-fields.js';
import { loginAttemptsProjection, sessionsProjection } from '../../src/application/projections/index.js';
import { verifyLog } from '../../src/infrastructure/audit/log-verifier.js';
import { logIn, register, uniqueEmail } from '../support/api.js';
import { allEvents } from '../support/events.js';
import { expectEqualsRebuild, rawDump } from '../support/store-dump.js';
import { STORES, startTestApp, type TestApp } from '../support/test-app.js';

const ADMIN_EMAIL = 'root@example.com';
const ADMIN_PASSWORD = 'the admin passphrase';
const DAY = 86_400_000;

interface Attempt {
  readonly outcome: string;
  readonly identifier: string | null;
  readonly ip: string | null;
  readonly user_agent: string | null;
}
interface SessionItem {
  readonly ip: string | null;
  readonly user_agent: string | null;
}

/**
 * AUDIT_PII_RETENTION through the whole service: the sweep (run here at an instant past the
 * limit, as the hourly sweeper would on that day) makes the attempts of that day unreadable in
 * the log, the read models and every file or collection of the store, and keeps the account.
 */
describe.each(STORES)('retention of attempts on the %s store', (store) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp(store, { env: { ADMIN_EMAIL, ADMIN_PASSWORD, TRUST_PROXY: '1' } });
  });
  afterAll(async () => {
    await app.dispose();
  });

  it('destroys a day of attempts once past the limit, in the log, the read models and the files', async () => {
    const today = periodOf(new Date());
    const ip = '198.51.100.231';
    const userAgent = `RetentionProbe/1.0 (${store})`;
    const ghost = uniqueEmail('retention-ghost');
    const client = { 'User-Agent': userAgent, 'X-Forwarded-For': ip };
    const email = uniqueEmail('retention');
    const user = await register(app, { email, full_name: 'Retained Account' });
    const wrong = await app.request('/auth/login', {
      method: 'POST',
      json: { email, password: 'not the password at all' },
      headers: client,
    });
    expect(wrong.status).toBe(401);
    const unknown = await app.request('/auth/login', {
      method: 'POST',
      json: { email: ghost, password: 'whatever it was' },
      headers: client,
    });
    expect(unknown.status).toBe(401);
    const tokens = await logIn(app, email, undefined, client);
    const admin = await logIn(app, ADMIN_EMAIL, ADMIN_PASSWORD);
    await app.runtime.flushRefusals();

    const expire = app.runtime.useCases.expirePersonalData;
    // The service's default, 90 days: today is due once tomorrow is 90 days past.
    const tomorrow = Date.parse(`${today}T00:00:00.000Z`) + DAY;
    expect((await expire.sweep(new Date(tomorrow + 90 * DAY - 1))).periods).toEqual([]);
    const due = new Date(tomorrow + 90 * DAY);
    const dry = await expire.sweep(due, { dryRun: true });
    // The unknown identifiers' key of the day, the user's and the administrator's.
    expect(dry.periods).toEqual([{ period: today, keys: 3 }]);
    const report = await expire.sweep(due);
    expect(report).toMatchObject({ applied: true, periods: [{ period: today, keys: 3 }] });
    await app.runtime.wiring.readModels.catchUp();

    const attempts = (await (
      await app.request(`/admin/login-attempts?user_id=${user.id}`, { token: admin.access_token })
    ).json()) as { items: Attempt[] };
    expect(attempts.items.map((a) => a.outcome).sort()).toEqual(['invalid_credentials', 'success']);
    expect(attempts.items.every((a) => a.identifier === null && a.ip === null && a.user_agent === null)).toBe(
      true,
    );
    const sessions = (await (
      await app.request('/users/me/sessions', { token: tokens.access_token })
    ).json()) as {
      items: SessionItem[];
    };
    expect(sessions.items).toEqual([expect.objectContaining({ ip: null, user_agent: null })]);
    // The account itself is not an attempt: it stays until it is erased.
    const account = (await (
      await app.request(`/admin/users/${user.id}`, { token: admin.access_token })
    ).json()) as { email: string; full_name: string };
    expect(account).toMatchObject({ email, full_name: 'Retained Account' });

    const events = await allEvents(app);
    expect(events.filter((e) => e.type === 'PersonalDataExpired').map((e) => e.data)).toEqual([
      { period: today, keys: 3, retentionSeconds: 90 * 86_400 },
    ]);
    const ghostAttempt = events.find((e) => e.type === 'LoginFailed' && e.data['outcome'] === 'unknown_user');
    expect(ghostAttempt?.data).toMatchObject({ identifier: null, ip: null, userAgent: null });
    expect(await verifyLog(app.runtime.storage.storedEvents, app.runtime.wiring.keyRing)).toMatchObject({
      ok: true,
    });
    await expectEqualsRebuild(app, sessionsProjection, app.runtime.storage.sessions);
    await expectEqualsRebuild(app, loginAttemptsProjection, app.runtime.storage.loginAttempts);

    if (store === 'embedded') await app.stop();
    const dump = await rawDump(app);
    for (const value of [userAgent, ip, ghost]) {
      const at = dump.indexOf(value);
      expect(at, `${value} is still readable: ${dump.slice(Math.max(0, at - 400), at + 100)}`).toBe(-1);
    }
  });
});
