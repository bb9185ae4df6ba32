import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FileMailTransport } from '../../src/infrastructure/mail/file-mail-transport.js';
import { describeMailTransportContract, type Delivered } from './mail-transport.contract.js';

let dataDir = '';
beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'mail-file-'));
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});
const mailDir = (): string => path.join(dataDir, 'mail');

describeMailTransportContract('FileMailTransport', {
  create: () => Promise.resolve(new FileMailTransport(mailDir())),
  received: async (messageId) => {
    const delivered: Delivered[] = [];
    for (const name of await readdir(mailDir())) {
      const parsed = await simpleParser(await readFile(path.join(mailDir(), name)));
      if (parsed.messageId !== messageId) continue;
      const to = Array.isArray(parsed.to) ? parsed.to : parsed.to === undefined ? [] : [parsed.to];
      delivered.push({
        messageId: messageId.slice(1, -1),
        from: parsed.from?.value[0]?.address ?? '',
        to: to.flatMap((a) => a.value.map((v) => v.address ?? '')),
        subject: parsed.subject ?? '',
        date: parsed.date ?? new Date(0),
        text: parsed.text ?? '',
        html: typeof parsed.html === 'string' ? parsed.html : '',
      });
    }
    return delivered;
  },
});

it('writes RFC 5322 files readable only by the owner, in a directory only the owner can list', async () => {
  const transport = new FileMailTransport(mailDir());
  const receipt = await transport.send({
    from: 'no-reply@auth.test',
    to: 'mode@example.com',
    subject: 'Mode',
    text: 'Token: x\n',
    html: '<p>Token: x</p>',
    messageId: '<mode@auth.test>',
    date: new Date(),
  });
  expect(receipt.destination.startsWith(mailDir())).toBe(true);
  expect((await stat(receipt.destination)).mode & 0o777).toBe(0o600);
  expect((await stat(mailDir())).mode & 0o777).toBe(0o700);
  const raw = await readFile(receipt.destination, 'utf8');
  expect(raw).toMatch(/^Message-ID: <mode@auth\.test>\r$/m);
  expect(raw).toMatch(/^Date: .+\r$/m);
  expect(raw).toMatch(/^MIME-Version: 1\.0\r$/m);
});
