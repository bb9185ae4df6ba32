import nodemailer, { type Transporter } from 'nodemailer';
import type {
  MailReceipt,
  MailTransport,
  OutgoingMail,
} from '../../application/ports/mail-transport.port.js';
import { nodemailerMessage } from './nodemailer-message.js';

/**
 * SMTP through nodemailer: `smtps://` is TLS from the first byte; `smtp://` upgrades with
 * STARTTLS when the server offers it. Credentials come from the URL and never reach a log line.
 */
export class SmtpMailTransport implements MailTransport {
  private readonly transporter: Transporter;
  private readonly destination: string;

  constructor(url: string, options: { readonly timeoutMs?: number } = {}) {
    const parsed = new URL(url);
    const timeout = options.timeoutMs ?? 10_000;
    this.transporter = nodemailer.createTransport({
      host: parsed.hostname,
      port: parsed.port === '' ? (parsed.protocol === 'smtps:' ? 465 : 587) : Number(parsed.port),
      secure: parsed.protocol === 'smtps:',
      ...(parsed.username !== ''
        ? { auth: { user: decodeURIComponent(parsed.username), pass: decodeURIComponent(parsed.password) } }
        : {}),
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout,
    });
    this.destination = `smtp ${parsed.hostname}:${parsed.port}`;
  }

  async send(mail: OutgoingMail): Promise<MailReceipt> {
    await this.transporter.sendMail(nodemailerMessage(mail));
    return { destination: this.destination };
  }

  close(): Promise<void> {
    this.transporter.close();
    return Promise.resolve();
  }
}
