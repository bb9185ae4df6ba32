/**
 * GET /admin/events/stream (issue 13 item 4): Server-Sent Events over the log, a consumer of the
 * log follower. Resumes after Last-Event-ID with every position exactly once, filters by type,
 * sends heartbeats, and is for administrators only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logIn, register, registerAndLogIn, type Tokens } from '../support/api.js';
import { STORES, startTestApp, type TestApp } from '../support/test-app.js';

const ADMIN_EMAIL = 'stream-root@example.com';
const ADMIN_PASSWORD = 'the stream admin passphrase';

interface Message {
  readonly id?: number;
  readonly event?: string;
  readonly data?: Record<string, unknown>;
  readonly comment?: string;
}

/** A minimal EventSource: messages as they arrive, until `stop()` or `until` says enough. */
async function readStream(
  app: TestApp,
  query: string,
  options: {
    token: string;
    lastEventId?: number;
    until: (seen: readonly Message[]) => boolean;
    timeoutMs?: number;
  },
): Promise<Message[]> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.timeoutMs ?? 15_000);
  const response = await fetch(`${app.baseUrl}/admin/events/stream${query}`, {
    headers: {
      authorization: `Bearer ${options.token}`,
      ...(options.lastEventId !== undefined ? { 'last-event-id': String(options.lastEventId) } : {}),
    },
    signal: controller.signal,
  });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/event-stream');
  const seen: Message[] = [];
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    if (response.body === null) throw new Error('no body');
    for await (const chunk of response.body) {
      buffer += decoder.decode(chunk as Uint8Array, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const message: { id?: number; event?: string; data?: Record<string, unknown>; comment?: string } = {};
        for (const line of block.split('\n')) {
          if (line.startsWith(':')) message.comment = line.slice(1).trim();
          else if (line.startsWith('id: ')) message.id = Number(line.slice(4));
          else if (line.startsWith('event: ')) message.event = line.slice(7);
          else if (line.startsWith('data: '))
            message.data = JSON.parse(line.slice(6)) as Record<string, unknown>;
        }
        seen.push(message);
      }
      if (options.until(seen)) break;
    }
  } catch (error) {
    if (!controller.signal.aborted) throw error;
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  return seen;
}

const ids = (messages: readonly Message[]): number[] =>
  messages.flatMap((m) => (m.id === undefined ? [] : [m.id]));

describe.each(STORES)('the live event stream on the %s store', (store) => {
  let app: TestApp;
  let admin: Tokens;
  beforeAll(async () => {
    app = await startTestApp(store, {
      env: { ADMIN_EMAIL, ADMIN_PASSWORD, EVENT_STREAM_HEARTBEAT: '1s' },
    });
    admin = await logIn(app, ADMIN_EMAIL, ADMIN_PASSWORD);
  });
  afterAll(async () => {
    await app.dispose();
  });

  it('is for administrators: 401 without a token, 403 for a user, 400 for a bad Last-Event-ID', async () => {
    const anonymous = await app.request('/admin/events/stream');
    expect(anonymous.status).toBe(401);
    const { tokens } = await registerAndLogIn(app);
    const user = await app.request('/admin/events/stream', { token: tokens.access_token });
    expect(user.status).toBe(403);
    const bad = await app.request('/admin/events/stream', {
      token: admin.access_token,
      headers: { 'last-event-id': 'nope' },
    });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
  });

  it('refuses bad query input at once with a problem, never an open stream (what the fuzzer leaves out)', async () => {
    for (const query of [
      'after=-1',
      'after=1e3',
      'after=1234567890123456',
      'types=LoginFailed;LoggedOut',
      'types=',
      `types=${'A'.repeat(2001)}`,
      'after=1&after=2',
    ]) {
      const response = await app.request(`/admin/events/stream?${query}`, { token: admin.access_token });
      expect(response.status, query).toBe(422);
      expect(response.headers.get('content-type'), query).toContain('application/problem+json');
      expect(((await response.json()) as { status: number }).status, query).toBe(422);
    }
  });

  it('sends a heartbeat comment when nothing happens, and starts at the head without ?after', async () => {
    const head = await app.runtime.storage.eventStore.headPosition();
    const seen = await readStream(app, '', {
      token: admin.access_token,
      until: (messages) => messages.some((m) => m.comment === 'keep-alive'),
      timeoutMs: 5000,
    });
    expect(seen.some((m) => m.comment === 'keep-alive')).toBe(true);
    for (const id of ids(seen)) expect(id).toBeGreaterThan(head);
  });

  it('resumed with Last-Event-ID after a disconnect mid-burst, delivers every position exactly once', async () => {
    const from = await app.runtime.storage.eventStore.headPosition();
    const burst = Promise.all(Array.from({ length: 12 }, () => register(app)));
    const first = await readStream(app, `?after=${from}`, {
      token: admin.access_token,
      until: (messages) => ids(messages).length >= 5,
    });
    const lastSeen = ids(first).at(-1);
    if (lastSeen === undefined) throw new Error('nothing streamed');
    await burst;
    const head = await app.runtime.storage.eventStore.headPosition();
    const second = await readStream(app, '', {
      token: admin.access_token,
      lastEventId: lastSeen,
      until: (messages) => (ids(messages).at(-1) ?? 0) >= head,
    });
    const all = [...ids(first), ...ids(second)];
    const expected = Array.from({ length: head - from }, (_, i) => from + 1 + i);
    // Events after `head` may follow (the mail sender records the verification mails it sends).
    expect(all.filter((position) => position <= head)).toEqual(expected);
    expect(new Set(all).size).toBe(all.length);
    expect(all).toEqual([...all].sort((a, b) => a - b));
    // The frame: the admin view plus stream_id and metadata, never a secret.
    const registered = [...first, ...second].find((m) => m.event === 'UserRegistered');
    expect(registered?.data?.stream_id).toMatch(/^user-/);
    expect(registered?.data?.metadata).toHaveProperty('request_id');
    expect(registered?.data?.position).toBe(registered?.id);
    expect(JSON.stringify([...first, ...second])).not.toContain('passwordHash');
  });

  it('filters by ?types=, and ?after=0 replays from the beginning', async () => {
    await register(app);
    const head = await app.runtime.storage.eventStore.headPosition();
    const stored = await app.runtime.storage.eventStore.readAll(0, 100_000);
    const wanted = stored.filter((e) => e.type === 'UserRegistered' || e.type === 'LoggedIn');
    const seen = await readStream(app, '?after=0&types=UserRegistered,LoggedIn', {
      token: admin.access_token,
      until: (messages) => ids(messages).length >= wanted.length,
    });
    expect(ids(seen)).toEqual(wanted.map((e) => e.position));
    expect(new Set(seen.flatMap((m) => (m.event === undefined ? [] : [m.event])))).toEqual(
      new Set(['UserRegistered', 'LoggedIn']),
    );
    expect(head).toBeGreaterThan(0);
  });
});
