/**
 * Issue 11: mail is never lost by a crash between the event and the send, and never sent twice
 * once acknowledged. The SMTP server is down when the reset is asked for, so the message is
 * queued (PasswordResetRequested stored, MailFailed recorded) when the service is SIGKILLed; after
 * a restart with SMTP back, exactly one mail arrives, and a further restart sends nothing again.
 * Then SMTP goes away under a running service: the messages due meanwhile arrive once it is back.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FAULT_ENV, sleep } from '../support/fault-harness.js';
import { startMailpit, tokenIn, type MailpitProcess, type ReceivedMail } from '../support/mailpit-process.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';

const post = (base: string, route: string, json: unknown): Promise<Response> =>
  fetch(`${base}${route}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(json),
  });

const waitUntil = async (check: () => boolean, timeoutMs: number, what: string): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
};

const resetTo = (address: string) => (mail: ReceivedMail) =>
  mail.to.includes(address) && mail.subject.includes('Reset');

describe('mail across a SIGKILL and an SMTP outage (embedded store)', () => {
  let dataDir = '';
  let mailpit: MailpitProcess | undefined;
  const servers: ServerProcess[] = [];
  afterAll(async () => {
    for (const server of servers)
      if (server.child.exitCode === null && server.child.signalCode === null) await server.stop('SIGKILL');
    await mailpit?.dispose();
    if (dataDir !== '') await rm(dataDir, { recursive: true, force: true });
  });

  it(
    'a reset queued while SMTP is down and the service killed is mailed exactly once after the restart',
    { timeout: 120_000 },
    async () => {
      dataDir = await mkdtemp(path.join(os.tmpdir(), 'mail-crash-'));
      const smtp = await startMailpit();
      mailpit = smtp;
      await smtp.stop();
      const env = {
        ...FAULT_ENV,
        DATA_DIR: dataDir,
        PASSWORD_HASHER: 'scrypt-test',
        SMTP_URL: smtp.smtpUrl,
        MAIL_RETRY_BASE: '1s',
      };
      const first = await startServerProcess(env);
      servers.push(first);
      const email = `crash.${Date.now()}@example.com`;
      expect(
        (await post(first.baseUrl, '/auth/register', { email, password: 'correct horse battery' })).status,
      ).toBe(201);
      expect((await post(first.baseUrl, '/auth/password/forgot', { email })).status).toBe(202);
      // The reset is stored and its first send has failed: nothing acknowledged, nothing delivered.
      await waitUntil(
        () => /"kind":"password-reset"[^\n]*mail not sent/.test(first.output()),
        30_000,
        'a failed send of the reset mail',
      );
      first.child.kill('SIGKILL');
      await new Promise((resolve) => first.child.once('exit', resolve));

      await smtp.start();
      const second = await startServerProcess(env);
      servers.push(second);
      const resets = await smtp.waitFor(resetTo(email), 1, 30_000);
      await sleep(2000);
      expect((await smtp.messages()).filter(resetTo(email))).toHaveLength(1);
      expect(resets).toHaveLength(1);
      const verifications = (await smtp.messages()).filter(
        (m) => m.to.includes(email) && m.subject.includes('Confirm'),
      );
      expect(verifications).toHaveLength(1);
      // The token still works: it came from the sealed copy in the event, not from memory.
      const token = tokenIn(resets[0] as ReceivedMail);
      expect(
        (
          await post(second.baseUrl, '/auth/password/reset', {
            token,
            new_password: 'a brand new passphrase',
          })
        ).status,
      ).toBe(204);

      // Acknowledged messages are not sent again by a later start.
      expect(await second.stop()).toBe(0);
      const third = await startServerProcess(env);
      servers.push(third);
      await sleep(3000);
      expect((await smtp.messages()).filter(resetTo(email))).toHaveLength(1);

      // SMTP down under a running service: due mails wait, and arrive once it is back.
      await smtp.stop();
      const later = `outage.${Date.now()}@example.com`;
      expect(
        (await post(third.baseUrl, '/auth/register', { email: later, password: 'correct horse battery' }))
          .status,
      ).toBe(201);
      expect((await post(third.baseUrl, '/auth/password/forgot', { email: later })).status).toBe(202);
      await waitUntil(
        () => (third.output().match(/"kind":"password-reset"[^\n]*mail not sent/g) ?? []).length >= 1,
        30_000,
        'a failed send during the outage',
      );
      await smtp.start();
      const arrived = await smtp.waitFor(resetTo(later), 1, 30_000);
      await sleep(2000);
      expect(arrived).toHaveLength(1);
      expect((await smtp.messages()).filter(resetTo(later))).toHaveLength(1);
      expect(await third.stop()).toBe(0);
      // The logs name messages and relays, never a token.
      for (const server of servers) expect(server.output()).not.toContain(token.split('.')[1]);
    },
  );
});
