import { afterAll, beforeAll, expect, it } from 'vitest';
import { SmtpMailTransport } from '../../src/infrastructure/mail/smtp-mail-transport.js';
import { freePort } from '../support/free-port.js';
import { startMailpit, type MailpitProcess } from '../support/mailpit-process.js';
import { describeMailTransportContract } from './mail-transport.contract.js';

let mailpit: MailpitProcess;
beforeAll(async () => {
  mailpit = await startMailpit();
}, 600_000);
afterAll(async () => {
  await mailpit.dispose();
});

describeMailTransportContract('SmtpMailTransport (Mailpit)', {
  create: () => Promise.resolve(new SmtpMailTransport(mailpit.smtpUrl)),
  received: async (messageId) =>
    (await mailpit.messages())
      .filter((m) => `<${m.messageId}>` === messageId)
      .map((m) => ({ ...m, date: new Date(m.date) })),
});

it('rejects when no SMTP server answers, so the sender records a failure and retries', async () => {
  const transport = new SmtpMailTransport(`smtp://127.0.0.1:${await freePort()}`, { timeoutMs: 2000 });
  await expect(
    transport.send({
      from: 'no-reply@auth.test',
      to: 'x@example.com',
      subject: 's',
      text: 't',
      html: '<p>t</p>',
      messageId: '<down@auth.test>',
      date: new Date(),
    }),
  ).rejects.toThrow();
  await transport.close();
});

it('an smtps:// URL speaks TLS from the first byte (a plain server does not get the message)', async () => {
  const transport = new SmtpMailTransport(mailpit.smtpUrl.replace('smtp://', 'smtps://'), {
    timeoutMs: 2000,
  });
  await expect(
    transport.send({
      from: 'no-reply@auth.test',
      to: 'tls@example.com',
      subject: 's',
      text: 't',
      html: '<p>t</p>',
      messageId: '<tls@auth.test>',
      date: new Date(),
    }),
  ).rejects.toThrow();
  expect((await mailpit.messages()).filter((m) => m.to.includes('tls@example.com'))).toHaveLength(0);
  await transport.close();
});
