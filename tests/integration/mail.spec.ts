import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { PASSWORD, expectProblem, logIn, register, registerAndLogIn, uniqueEmail } from '../support/api.js';
import { allEvents, mailSettled } from '../support/events.js';
import { webhookStreamId } from '../../src/domain/webhook/webhook.events.js';
import { startMailpit, tokenIn, type MailpitProcess, type ReceivedMail } from '../support/mailpit-process.js';
import { STORES, startTestApp, type StoreKind, type TestApp } from '../support/test-app.js';
import { TestAuthenticator } from '../support/totp.js';

// FerretDB on a shared machine: a dozen requests and a few mail passes per case.
vi.setConfig({ testTimeout: 120_000 });

const NEW_PASSWORD = 'a brand new passphrase';
const to = (address: string) => (mail: ReceivedMail) => mail.to.includes(address);
const subjectHas = (address: string, words: string) => (mail: ReceivedMail) =>
  mail.to.includes(address) && mail.subject.includes(words);

describe.each(STORES)('mail over SMTP (Mailpit), %s store', (kind: StoreKind) => {
  let mailpit: MailpitProcess;
  let app: TestApp;

  beforeAll(async () => {
    mailpit = await startMailpit();
    app = await startTestApp(kind, {
      env: {
        SMTP_URL: mailpit.smtpUrl,
        MAIL_FROM: 'Auth <no-reply@auth.test>',
        PUBLIC_URL: 'https://app.test',
      },
    });
  });
  afterAll(async () => {
    await app.dispose();
    await mailpit.dispose();
  });

  it('forgot → mail → reset: old password 401, new 200, old refresh 401, the token used twice 400', async () => {
    const user = await registerAndLogIn(app);
    const forgot = await app.request('/auth/password/forgot', {
      method: 'POST',
      json: { email: user.email },
    });
    expect(forgot.status).toBe(202);
    const [mail, extra] = await mailpit.waitFor(subjectHas(user.email, 'Reset'));
    expect(extra).toBeUndefined();
    if (mail === undefined) throw new Error('no reset mail');
    expect(mail.from).toBe('no-reply@auth.test');
    expect(mail.messageId).toMatch(/^mail-\d+@auth\.test$/);
    expect(Date.parse(mail.date)).toBeGreaterThan(Date.now() - 60_000);
    const token = tokenIn(mail);
    expect(mail.text).toContain(`https://app.test/reset-password?token=${encodeURIComponent(token)}`);
    expect(mail.html).toContain(token);
    expect(mail.html).not.toMatch(/<img/i);

    const reset = await app.request('/auth/password/reset', {
      method: 'POST',
      json: { token, new_password: NEW_PASSWORD },
    });
    expect(reset.status, await reset.clone().text()).toBe(204);
    const oldLogin = await app.request('/auth/login', {
      method: 'POST',
      json: { email: user.email, password: PASSWORD },
    });
    await expectProblem(oldLogin, 401);
    await logIn(app, user.email, NEW_PASSWORD);
    const refresh = await app.request('/auth/refresh', {
      method: 'POST',
      json: { refresh_token: user.tokens.refresh_token },
    });
    expect(refresh.status).toBe(401);
    const me = await app.request('/users/me', { token: user.tokens.access_token });
    expect(me.status).toBe(401);

    const again = await app.request('/auth/password/reset', {
      method: 'POST',
      json: { token, new_password: 'yet another passphrase' },
    });
    expect((await expectProblem(again, 400)).error).toBe('invalid_token');
    const types = (await allEvents(app)).filter((e) => e.streamId === `user-${user.id}`).map((e) => e.type);
    expect(types).toEqual(
      expect.arrayContaining([
        'PasswordResetRequested',
        'PasswordResetCompleted',
        'PasswordChanged',
        'AllSessionsEnded',
      ]),
    );
    // The token itself is in no stored event: only its digest and its sealed form.
    const stored = JSON.stringify(await allEvents(app));
    expect(stored).not.toContain(token);
    const notice = await mailpit.waitFor(subjectHas(user.email, 'password was changed'));
    expect(notice).toHaveLength(1);
  });

  it('a superseded, a forged or an unknown token is 400 invalid_token, a weak password 422', async () => {
    const user = await register(app);
    for (let i = 0; i < 2; i++) {
      expect(
        (await app.request('/auth/password/forgot', { method: 'POST', json: { email: user.email } })).status,
      ).toBe(202);
    }
    const mails = await mailpit.waitFor(subjectHas(user.email, 'Reset'), 2);
    expect(mails).toHaveLength(2);
    const [first, second] = mails.map(tokenIn);
    if (first === undefined || second === undefined) throw new Error('two tokens expected');
    const weak = await app.request('/auth/password/reset', {
      method: 'POST',
      json: { token: second, new_password: 'short' },
    });
    await expectProblem(weak, 422);
    const superseded = await app.request('/auth/password/reset', {
      method: 'POST',
      json: { token: first, new_password: NEW_PASSWORD },
    });
    expect((await expectProblem(superseded, 400)).error).toBe('invalid_token');
    // A verification token is no reset token, though it names the same user.
    const [verification] = await mailpit.waitFor(subjectHas(user.email, 'Confirm'));
    if (verification === undefined) throw new Error('no verification mail');
    const crossed = await app.request('/auth/password/reset', {
      method: 'POST',
      json: { token: tokenIn(verification), new_password: NEW_PASSWORD },
    });
    expect((await expectProblem(crossed, 400)).error).toBe('invalid_token');
    const forged = `${user.id}.${'A'.repeat(43)}`;
    const bad = await app.request('/auth/password/reset', {
      method: 'POST',
      json: { token: forged, new_password: NEW_PASSWORD },
    });
    expect((await expectProblem(bad, 400)).error).toBe('invalid_token');
    await logIn(app, user.email);
  });

  it('registration mails a verification; the token verifies once; email_verified shows it', async () => {
    const user = await registerAndLogIn(app);
    const [mail] = await mailpit.waitFor(subjectHas(user.email, 'Confirm'));
    if (mail === undefined) throw new Error('no verification mail');
    const me = await app.request('/users/me', { token: user.tokens.access_token });
    expect(((await me.json()) as { email_verified: boolean }).email_verified).toBe(false);
    const verified = await app.request('/auth/email/verify', {
      method: 'POST',
      json: { token: tokenIn(mail) },
    });
    expect(verified.status, await verified.clone().text()).toBe(200);
    expect(((await verified.json()) as { email_verified: boolean }).email_verified).toBe(true);
    const again = await app.request('/auth/email/verify', { method: 'POST', json: { token: tokenIn(mail) } });
    expect((await expectProblem(again, 400)).error).toBe('invalid_token');
    const info = await app.request('/userinfo', { token: user.tokens.access_token });
    expect(((await info.json()) as { email_verified: boolean }).email_verified).toBe(true);
  });

  it('an email change mails a verification to the new address and a notice to the old one', async () => {
    const user = await registerAndLogIn(app);
    const newEmail = uniqueEmail('moved');
    const changed = await app.request('/users/me', {
      method: 'PATCH',
      token: user.tokens.access_token,
      json: { email: newEmail, current_password: PASSWORD },
    });
    expect(changed.status, await changed.clone().text()).toBe(200);
    expect(await mailpit.waitFor(subjectHas(newEmail, 'Confirm'))).toHaveLength(1);
    const notices = await mailpit.waitFor(subjectHas(user.email, 'address of your'));
    expect(notices).toHaveLength(1);
    expect(notices[0]?.text).not.toContain(newEmail);
    // A resend mails the new address again and the earlier token stops working.
    const [firstMail] = await mailpit.waitFor(subjectHas(newEmail, 'Confirm'));
    const resend = await app.request('/users/me/email/verify', {
      method: 'POST',
      token: user.tokens.access_token,
    });
    expect(resend.status).toBe(202);
    const both = await mailpit.waitFor(subjectHas(newEmail, 'Confirm'), 2);
    expect(both).toHaveLength(2);
    if (firstMail === undefined) throw new Error('no first mail');
    const stale = await app.request('/auth/email/verify', {
      method: 'POST',
      json: { token: tokenIn(firstMail) },
    });
    expect((await expectProblem(stale, 400)).error).toBe('invalid_token');
  });

  it('forgot answers 202 with the same body for an unknown address, mails nobody, and records the request', async () => {
    const unknown = uniqueEmail('nobody');
    const known = await register(app);
    const a = await app.request('/auth/password/forgot', { method: 'POST', json: { email: unknown } });
    const b = await app.request('/auth/password/forgot', { method: 'POST', json: { email: known.email } });
    expect([a.status, b.status]).toEqual([202, 202]);
    expect(await a.text()).toBe(await b.text());
    await mailpit.waitFor(subjectHas(known.email, 'Reset'));
    expect((await mailpit.messages()).filter(to(unknown))).toHaveLength(0);
    expect((await allEvents(app)).some((e) => e.type === 'PasswordResetForUnknownAddress')).toBe(true);
  });
});

describe('mail rate limits and required verification (embedded)', () => {
  let mailpit: MailpitProcess;
  let app: TestApp;

  beforeAll(async () => {
    mailpit = await startMailpit();
    app = await startTestApp('embedded', {
      env: { SMTP_URL: mailpit.smtpUrl, RATE_LIMIT_MAIL_PER_HOUR: '3', EMAIL_VERIFICATION: 'required' },
    });
  });
  afterAll(async () => {
    await app.dispose();
    await mailpit.dispose();
  });

  it('the fourth forgot for one address is 429, registered or not, and mails stop', async () => {
    const known = await register(app);
    const unknown = uniqueEmail('nobody');
    for (const email of [known.email, unknown]) {
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) {
        statuses.push(
          (await app.request('/auth/password/forgot', { method: 'POST', json: { email } })).status,
        );
      }
      expect(statuses).toEqual([202, 202, 202, 429]);
    }
    // Case and spaces do not make a new address.
    const spelled = await app.request('/auth/password/forgot', {
      method: 'POST',
      json: { email: ` ${known.email.toUpperCase()} ` },
    });
    expect(spelled.status).toBe(429);
    expect(await mailpit.waitFor(subjectHas(known.email, 'Reset'), 3)).toHaveLength(3);
  });

  it('EMAIL_VERIFICATION=required: a correct password answers 403 email_not_verified until verified', async () => {
    const user = await register(app);
    const refused = await app.request('/auth/login', {
      method: 'POST',
      json: { email: user.email, password: PASSWORD },
    });
    const problem = await expectProblem(refused, 403);
    expect(problem.error).toBe('email_not_verified');
    const wrong = await app.request('/auth/login', {
      method: 'POST',
      json: { email: user.email, password: 'not the password' },
    });
    await expectProblem(wrong, 401);
    const [mail] = await mailpit.waitFor(subjectHas(user.email, 'Confirm'));
    if (mail === undefined) throw new Error('no verification mail');
    expect(
      (await app.request('/auth/email/verify', { method: 'POST', json: { token: tokenIn(mail) } })).status,
    ).toBe(200);
    await logIn(app, user.email);
  });
});

describe('notices, expiry, trusted devices and the file adapter (embedded)', () => {
  let mailpit: MailpitProcess;
  let app: TestApp;

  beforeAll(async () => {
    mailpit = await startMailpit();
    app = await startTestApp('embedded', {
      env: {
        SMTP_URL: mailpit.smtpUrl,
        PASSWORD_RESET_TTL: '2s',
        ACCOUNT_LOCKOUT_THRESHOLD: '3',
        LOCKOUT_THRESHOLD: '100',
        PRODUCT_NAME: 'Acme ID',
      },
    });
  });
  afterAll(async () => {
    await app.dispose();
    await mailpit.dispose();
  });

  it('MFA on and off, a password change and an account lock each mail the owner a notice', async () => {
    const user = await registerAndLogIn(app);
    const started = await app.request('/users/me/mfa/totp', {
      method: 'POST',
      token: user.tokens.access_token,
    });
    const { secret } = (await started.json()) as { secret: string };
    const auth = new TestAuthenticator(secret);
    const confirmed = await app.request('/users/me/mfa/totp/confirm', {
      method: 'POST',
      token: user.tokens.access_token,
      json: { code: auth.next() },
    });
    expect(confirmed.status).toBe(200);
    expect(await mailpit.waitFor(subjectHas(user.email, 'turned on for Acme ID'))).toHaveLength(1);
    const off = await app.request('/users/me/mfa/totp', {
      method: 'DELETE',
      token: user.tokens.access_token,
      json: { code: auth.next() },
    });
    expect(off.status, await off.clone().text()).toBe(204);
    expect(await mailpit.waitFor(subjectHas(user.email, 'turned off'))).toHaveLength(1);

    const changed = await app.request('/users/me/password', {
      method: 'POST',
      token: user.tokens.access_token,
      json: { current_password: PASSWORD, new_password: NEW_PASSWORD },
    });
    expect(changed.status).toBe(204);
    expect(await mailpit.waitFor(subjectHas(user.email, 'password was changed'))).toHaveLength(1);

    for (let i = 0; i < 3; i++) {
      await app.request('/auth/login', {
        method: 'POST',
        json: { email: user.email, password: `wrong ${i}` },
      });
    }
    const locked = await mailpit.waitFor(subjectHas(user.email, 'locked'));
    expect(locked).toHaveLength(1);
    expect(locked[0]?.text).not.toMatch(/^Token:/m);
  });

  it('an expired reset token is 400 invalid_token', async () => {
    const user = await register(app);
    await app.request('/auth/password/forgot', { method: 'POST', json: { email: user.email } });
    const [mail] = await mailpit.waitFor(subjectHas(user.email, 'Reset'));
    if (mail === undefined) throw new Error('no reset mail');
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const late = await app.request('/auth/password/reset', {
      method: 'POST',
      json: { token: tokenIn(mail), new_password: NEW_PASSWORD },
    });
    expect((await expectProblem(late, 400)).error).toBe('invalid_token');
    await logIn(app, user.email);
  });

  it('a reset drops the device tokens: a trusted device no longer passes an account lock', async () => {
    const user = await register(app);
    const login = await app.request('/auth/login', {
      method: 'POST',
      json: { email: user.email, password: PASSWORD },
    });
    const { device_token } = (await login.json()) as { device_token: string };
    await app.request('/auth/password/forgot', { method: 'POST', json: { email: user.email } });
    const [mail] = await mailpit.waitFor(subjectHas(user.email, 'Reset'));
    if (mail === undefined) throw new Error('no reset mail');
    const reset = await app.request('/auth/password/reset', {
      method: 'POST',
      json: { token: tokenIn(mail), new_password: NEW_PASSWORD },
    });
    expect(reset.status).toBe(204);
    const after = await app.request('/auth/login', {
      method: 'POST',
      json: { email: user.email, password: NEW_PASSWORD },
    });
    const fresh = ((await after.json()) as { device_token: string }).device_token;
    for (let i = 0; i < 3; i++) {
      await app.request('/auth/login', {
        method: 'POST',
        json: { email: user.email, password: `wrong ${i}` },
      });
    }
    // The control: a device trusted after the reset still passes the lock.
    const withNewDevice = await app.request('/auth/login', {
      method: 'POST',
      json: { email: user.email, password: NEW_PASSWORD },
      headers: { 'X-Device-Token': fresh },
    });
    expect(withNewDevice.status).toBe(200);
    const withOldDevice = await app.request('/auth/login', {
      method: 'POST',
      json: { email: user.email, password: NEW_PASSWORD },
      headers: { 'X-Device-Token': device_token },
    });
    expect(withOldDevice.status).toBe(429);
  });

  it('admin event views never show the reset token, its digest or its sealed form', async () => {
    const user = await register(app);
    await app.request('/auth/password/forgot', { method: 'POST', json: { email: user.email } });
    await mailpit.waitFor(subjectHas(user.email, 'Reset'));
    const event = (await allEvents(app)).find(
      (e) => e.type === 'PasswordResetRequested' && e.streamId === `user-${user.id}`,
    );
    if (event === undefined) throw new Error('no PasswordResetRequested');
    const { publicEvent } = await import('../../src/application/admin/public-event.js');
    const shown = JSON.stringify(publicEvent(event));
    expect(shown).not.toContain(String(event.data['sealedToken']));
    expect(shown).not.toContain(String(event.data['tokenDigest']));
  });

  it('a disabled webhook subscription mails every active administrator once, and no other user', async () => {
    const [first, second, plain] = [await register(app), await register(app), await register(app)];
    for (const admin of [first, second]) await app.runtime.useCases.operator.setRole(admin.email, 'admin');
    // What DeliverWebhooks appends after WEBHOOK_DISABLE_AFTER of failures (tests/unit/webhooks).
    const subscriptionId = randomUUID();
    await app.runtime.storage.eventStore.append({
      streamId: webhookStreamId(subscriptionId),
      expectedVersion: 'no_stream',
      occurredAt: new Date(),
      metadata: { requestId: 'webhook-pass' },
      events: [
        {
          type: 'WebhookDisabled',
          data: {
            subscriptionId,
            reason: 'HTTP 503 on every attempt',
            failingSince: '2026-11-30T00:00:00.000Z',
          },
        },
      ],
    });
    const about = (mail: ReceivedMail) => mail.text.includes(subscriptionId);
    const [mail, extra] = await mailpit.waitFor(about);
    expect(extra).toBeUndefined();
    if (mail === undefined) throw new Error('no webhook-disabled notice');
    expect(mail.subject).toContain('webhook subscription was disabled');
    expect(mail.to).toEqual(expect.arrayContaining([first.email, second.email]));
    expect(mail.to).not.toContain(plain.email);
    expect(mail.text).toContain('HTTP 503 on every attempt');
    await mailSettled(app);
    const sent = (await allEvents(app)).filter(
      (e) => e.type === 'MailSent' && e.data['kind'] === 'webhook-disabled',
    );
    expect(sent).toHaveLength(1);
  });
});

describe.each(STORES)('the .eml file adapter over HTTP (no SMTP_URL), %s store', (kind: StoreKind) => {
  let app: TestApp;
  let dataDir: string;
  beforeAll(async () => {
    // MongoDB mode still writes its mail files under DATA_DIR.
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'mail-files-'));
    app = await startTestApp(kind, { env: { DATA_DIR: dataDir } });
  });
  afterAll(async () => {
    await app.dispose();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('forgot → an .eml in DATA_DIR/mail (0600) → reset works with its Token line', async () => {
    const user = await register(app);
    const dir = path.join(dataDir, 'mail');
    expect(
      (await app.request('/auth/password/forgot', { method: 'POST', json: { email: user.email } })).status,
    ).toBe(202);
    let file: string | undefined;
    for (let i = 0; i < 100 && file === undefined; i++) {
      const names = await readdir(dir).catch(() => [] as string[]);
      for (const name of names) {
        const raw = await readFile(path.join(dir, name), 'utf8');
        if (raw.includes(`To: ${user.email}`) && raw.includes('Subject: Reset')) file = path.join(dir, name);
      }
      if (file === undefined) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    if (file === undefined) throw new Error('no .eml written');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const parsed = await simpleParser(await readFile(file));
    expect(parsed.messageId).toMatch(/^<mail-\d+@localhost>$/);
    expect(parsed.date).toBeInstanceOf(Date);
    const token = /^Token: (\S+)$/m.exec(parsed.text ?? '')?.[1];
    if (token === undefined) throw new Error('no Token line');
    const reset = await app.request('/auth/password/reset', {
      method: 'POST',
      json: { token, new_password: NEW_PASSWORD },
    });
    expect(reset.status).toBe(204);
    await logIn(app, user.email, NEW_PASSWORD);
  });
});
