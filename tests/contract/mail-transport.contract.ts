import { describe, expect, it } from 'vitest';
import type { MailTransport, OutgoingMail } from '../../src/application/ports/mail-transport.port.js';

/** What the receiving side saw of one message: its headers and parts, as a reader decoded them. */
export interface Delivered {
  readonly messageId: string;
  readonly from: string;
  readonly to: readonly string[];
  readonly subject: string;
  readonly date: Date;
  readonly text: string;
  readonly html: string;
}

export interface MailTransportFixture {
  create(): Promise<MailTransport>;
  /** The messages received so far with this Message-ID (with angle brackets). */
  received(messageId: string): Promise<readonly Delivered[]>;
}

let counter = 0;
const message = (): OutgoingMail => {
  counter += 1;
  const id = `contract-${process.pid}-${Date.now()}-${counter}`;
  return {
    from: 'Auth service <no-reply@auth.test>',
    to: `${id}@example.com`,
    subject: 'Reset your Auth service password – ünïcode',
    text: `Open the link.\n\nhttps://app.test/reset-password?token=abc\n\nToken: ${id}.token\n`,
    html: `<!doctype html><html><body><p>Token: <code>${id}.token</code></p></body></html>`,
    messageId: `<${id}@auth.test>`,
    date: new Date('2026-03-04T05:06:07.000Z'),
  };
};

/** Every adapter of the mail port: the message arrives whole, with the headers we chose. */
export function describeMailTransportContract(label: string, fixture: MailTransportFixture): void {
  describe(`${label}: MailTransport contract`, () => {
    it('delivers one message with our Message-ID, Date, From, To, Subject and both parts', async () => {
      const transport = await fixture.create();
      const mail = message();
      const receipt = await transport.send(mail);
      expect(receipt.destination).not.toContain('token');
      const [got, ...more] = await fixture.received(mail.messageId);
      expect(more).toHaveLength(0);
      expect(got?.messageId).toBe(mail.messageId.slice(1, -1));
      expect(got?.from).toBe('no-reply@auth.test');
      expect(got?.to).toEqual([mail.to]);
      expect(got?.subject).toBe(mail.subject);
      expect(got?.date.toISOString()).toBe(mail.date.toISOString());
      expect(got?.text).toMatch(new RegExp(`^Token: ${mail.to.split('@')[0]}\\.token$`, 'm'));
      expect(got?.html).toContain('<code>');
      await transport.close();
    });

    it('sends several messages one after the other on one transport', async () => {
      const transport = await fixture.create();
      const mails = [message(), message(), message()];
      for (const mail of mails) await transport.send(mail);
      for (const mail of mails) expect(await fixture.received(mail.messageId)).toHaveLength(1);
      await transport.close();
    });
  });
}
