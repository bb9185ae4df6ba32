import { mkdir, open } from 'node:fs/promises';
import path from 'node:path';
import nodemailer, { type Transporter } from 'nodemailer';
import type {
  MailReceipt,
  MailTransport,
  OutgoingMail,
} from '../../application/ports/mail-transport.port.js';
import { nodemailerMessage } from './nodemailer-message.js';

/**
 * Development without a relay: each message becomes an RFC 5322 `.eml` file (built by
 * nodemailer's stream transport, so it is the same message SMTP would carry) in DATA_DIR/mail,
 * mode 0600 as it holds a live token. A retry of one message rewrites the same file.
 */
export class FileMailTransport implements MailTransport {
  private readonly builder: Transporter;

  constructor(private readonly dir: string) {
    this.builder = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  }

  async send(mail: OutgoingMail): Promise<MailReceipt> {
    const info = (await this.builder.sendMail(nodemailerMessage(mail))) as { message: Buffer };
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const name = `${mail.messageId.replace(/[^A-Za-z0-9.-]/g, '')}.eml`;
    const file = path.join(this.dir, name);
    const handle = await open(file, 'w', 0o600);
    try {
      await handle.writeFile(info.message);
      await handle.sync();
    } finally {
      await handle.close();
    }
    return { destination: file };
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
