import type { SendMailOptions } from 'nodemailer';
import type { OutgoingMail } from '../../application/ports/mail-transport.port.js';

/**
 * The one message every transport hands to nodemailer, so a `.eml` file holds the same bytes SMTP
 * would carry. Field by field: nothing else a caller's object holds reaches the message.
 */
export const nodemailerMessage = (mail: OutgoingMail): SendMailOptions => ({
  from: mail.from,
  to: mail.to,
  subject: mail.subject,
  text: mail.text,
  html: mail.html,
  messageId: mail.messageId,
  date: mail.date,
});
