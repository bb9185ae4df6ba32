import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCommonPasswords } from '../../../src/infrastructure/passwords/common-password-list.js';
import { expectProblem, PASSWORD, registerAndLogIn, uniqueEmail } from '../../support/api.js';
import { allEvents, mailSettled } from '../../support/events.js';
import { freePort } from '../../support/free-port.js';
import { startTestApp, type TestApp } from '../../support/test-app.js';

const ZWSP = '\u200B';

describe('the shipped common-password list (issue 9, finding 11)', () => {
  it('holds at least 100,000 entries and is cheap enough to load at start-up', () => {
    const before = process.memoryUsage().heapUsed;
    const started = performance.now();
    const list = loadCommonPasswords();
    const ms = performance.now() - started;
    const mb = (process.memoryUsage().heapUsed - before) / 1e6;
    console.log(`[password-list] ${list.size} entries, ${ms.toFixed(0)} ms, ~${mb.toFixed(0)} MB heap`);
    expect(list.size).toBeGreaterThanOrEqual(100_000);
    expect(list.has('password')).toBe(true);
    expect(list.has('12345678')).toBe(true);
    expect(list.has(PASSWORD)).toBe(false);
  });
});

describe('password rules at registration and change (issue 9, finding 11)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp('embedded');
  });
  afterAll(async () => {
    await app.dispose();
  });

  const registerWith = (body: Record<string, unknown>): Promise<Response> =>
    app.request('/auth/register', { method: 'POST', json: { email: uniqueEmail('pw'), ...body } });

  it.each([
    ['password', 'password'],
    ['Password1!', 'Password1!'],
    ['12345678', '12345678'],
    ['eight zero-width spaces', ZWSP.repeat(8)],
    ['zero-width spaces and white space', `${ZWSP} \u2060\uFEFF\u00A0${ZWSP}\t ${ZWSP}`],
    ['iloveyou in capitals', 'ILOVEYOU'],
    ['qwertyuiop', 'qwertyuiop'],
  ])('refuses %s with 422 naming password, and registers nothing', async (_label, password) => {
    // Earlier registrations' verification mails are recorded by the sender, not by these requests.
    await mailSettled(app);
    const before = (await allEvents(app)).length;
    const problem = await expectProblem(await registerWith({ password }), 422);
    expect(problem.errors?.map((e) => e.field)).toEqual(['password']);
    expect((await allEvents(app)).length).toBe(before);
  });

  it('refuses the account own email, its local part and username, in any case', async () => {
    const email = uniqueEmail('self');
    const local = email.split('@')[0] ?? '';
    for (const password of [email, email.toUpperCase(), local, `${local.toUpperCase()}!`]) {
      const response = await app.request('/auth/register', { method: 'POST', json: { email, password } });
      const problem = await expectProblem(response, 422);
      expect(problem.errors?.map((e) => e.field)).toEqual(['password']);
    }
    const response = await registerWith({ username: 'Marguerite_Y', password: 'marguerite_y' });
    expect((await expectProblem(response, 422)).errors?.map((e) => e.field)).toEqual(['password']);
  });

  it('normalises to NFC: registered decomposed, logs in precomposed (and the other way)', async () => {
    const decomposed = 'cafe\u0301 au lait sucre\u0301';
    const precomposed = decomposed.normalize('NFC');
    expect(decomposed).not.toBe(precomposed);
    const email = uniqueEmail('nfc');
    const registered = await app.request('/auth/register', {
      method: 'POST',
      json: { email, password: decomposed },
    });
    expect(registered.status).toBe(201);
    for (const password of [precomposed, decomposed]) {
      const login = await app.request('/auth/login', { method: 'POST', json: { email, password } });
      expect(login.status).toBe(200);
    }
  });

  it('a change to a common password is 422 naming new_password and keeps the old one', async () => {
    const { email, tokens } = await registerAndLogIn(app);
    const response = await app.request('/users/me/password', {
      method: 'POST',
      token: tokens.access_token,
      json: { current_password: PASSWORD, new_password: 'Sunshine2024!' },
    });
    expect((await expectProblem(response, 422)).errors?.map((e) => e.field)).toEqual(['new_password']);
    const again = await app.request('/auth/login', { method: 'POST', json: { email, password: PASSWORD } });
    expect(again.status).toBe(200);
  });

  it('PASSWORD_POLICY=permissive lets the tutorials\u2019 password123 through again, but not invisible ones', async () => {
    const permissive = await startTestApp('embedded', { env: { PASSWORD_POLICY: 'permissive' } });
    try {
      const email = uniqueEmail('tutorial');
      const ok = await permissive.request('/auth/register', {
        method: 'POST',
        json: { email, password: 'password123' },
      });
      expect(ok.status).toBe(201);
      const invisible = await permissive.request('/auth/register', {
        method: 'POST',
        json: { email: uniqueEmail('zw'), password: ZWSP.repeat(8) },
      });
      await expectProblem(invisible, 422);
    } finally {
      await permissive.dispose();
    }
  });
});

describe('PWNED_PASSWORDS_URL: the HIBP range API by k-anonymity (issue 9, finding 11)', () => {
  const breached = 'a perfectly unusual phrase 93';
  const sha1 = createHash('sha1').update(breached).digest('hex').toUpperCase();
  const requested: string[] = [];
  let server: Server;
  let app: TestApp;
  beforeAll(async () => {
    server = createServer((req, res) => {
      requested.push(req.url ?? '');
      const prefix = (req.url ?? '').split('/').pop() ?? '';
      // Padding lines (count 0) as the real API adds with `Add-Padding: true`.
      const lines = ['0018A45C4D1DEF81644B54AB7F969B88D65:1', '00D4F6E8FA6EECAD2A3AA415EEC418D38EC:0'];
      if (prefix === sha1.slice(0, 5)) lines.push(`${sha1.slice(5)}:42`, `${sha1.slice(5, -1)}0:0`);
      res.setHeader('Content-Type', 'text/plain');
      res.end(lines.join('\r\n'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    app = await startTestApp('embedded', {
      env: { PWNED_PASSWORDS_URL: `http://127.0.0.1:${address.port}/range` },
    });
  });
  afterAll(async () => {
    await app.dispose();
    await new Promise((resolve) => server.close(resolve));
  });

  it('refuses a password the range lists with a count, sending only the 5-character prefix', async () => {
    requested.length = 0;
    const response = await app.request('/auth/register', {
      method: 'POST',
      json: { email: uniqueEmail('pwned'), password: breached },
    });
    expect((await expectProblem(response, 422)).errors?.map((e) => e.field)).toEqual(['password']);
    expect(requested).toEqual([`/range/${sha1.slice(0, 5)}`]);
    expect(requested.join()).not.toContain(sha1.slice(5));
  });

  it('accepts a password whose suffix is absent or only a padding line', async () => {
    const response = await app.request('/auth/register', {
      method: 'POST',
      json: { email: uniqueEmail('clean'), password: PASSWORD },
    });
    expect(response.status).toBe(201);
  });

  it('fails open when the range API is unreachable', async () => {
    const down = await startTestApp('embedded', {
      env: { PWNED_PASSWORDS_URL: `http://127.0.0.1:${await freePort()}/range` },
    });
    try {
      const response = await down.request('/auth/register', {
        method: 'POST',
        json: { email: uniqueEmail('open'), password: breached },
      });
      expect(response.status).toBe(201);
    } finally {
      await down.dispose();
    }
  });
});
