/**
 * Issue 16 item 3: revocation fails closed. Instance B's log follower cannot read; A logs a
 * session out. Once B's view of the log is older than REVOCATION_STALENESS_LIMIT, B must not
 * answer "valid" from its stale in-memory list: it checks the session in the store (401 for the
 * revoked token, 200 for a live one), and answers 503 when the store cannot say either.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { StoreUnavailableError } from '../../src/application/ports/event-store.port.js';
import { logIn, registerAndLogIn } from '../support/api.js';
import { STORES, startTestApp, type TestApp } from '../support/test-app.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const LIMIT_MS = 1000;

describe.each(STORES)('revocation when the log cannot be read, on the %s store', (store) => {
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    a = await startTestApp(store);
    b = await startTestApp(store, { shareWith: a, env: { REVOCATION_STALENESS_LIMIT: '1s' } });
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await b.stop();
    await a.dispose();
  });

  it('refuses a token revoked on another instance after the bound, and answers 503 when the store cannot tell', async () => {
    const { email, tokens: revoked } = await registerAndLogIn(a);
    const live = await logIn(a, email);
    expect((await b.request('/users/me', { token: revoked.access_token })).status).toBe(200);

    // B's follower can no longer read the log; reads of one stream still work.
    const log = b.runtime.storage.eventStore;
    const cannotRead = new StoreUnavailableError('test: the follower cannot read');
    const readAll = vi.spyOn(log, 'readAll').mockRejectedValue(cannotRead);
    // MongoDB: the follower reads the tail (on FerretDB from the small tail collection).
    const readTail =
      log.readTail === undefined ? null : vi.spyOn(log, 'readTail').mockRejectedValue(cannotRead);
    const logout = await a.request('/auth/logout', { method: 'POST', json: {}, token: revoked.access_token });
    expect(logout.status).toBe(204);

    await sleep(LIMIT_MS + 300);
    expect(b.runtime.wiring.revocations.isCurrent()).toBe(false);
    const refused = await b.request('/users/me', { token: revoked.access_token });
    expect(refused.status, await refused.clone().text()).toBe(401);
    const stillLive = await b.request('/users/me', { token: live.access_token });
    expect(stillLive.status).toBe(200);

    // Now the store cannot answer for the session either: 503, never 200.
    const readStream = vi
      .spyOn(log, 'readStream')
      .mockRejectedValue(new StoreUnavailableError('test: the store is down'));
    const unknown = await b.request('/users/me', { token: live.access_token });
    expect(unknown.status).toBe(503);
    expect(unknown.headers.get('content-type')).toContain('application/problem+json');

    // Recovery: the follower reads again, the list is current, the live token works.
    readStream.mockRestore();
    readAll.mockRestore();
    readTail?.mockRestore();
    b.runtime.wiring.follower.wake();
    await vi.waitFor(() => expect(b.runtime.wiring.revocations.isCurrent()).toBe(true), { timeout: 10_000 });
    expect((await b.request('/users/me', { token: live.access_token })).status).toBe(200);
    expect((await b.request('/users/me', { token: revoked.access_token })).status).toBe(401);
  });
});
