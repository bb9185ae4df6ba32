/** One message as it leaves: RFC 5322 headers we set ourselves, a text and an HTML part. */
export interface OutgoingMail {
  readonly from: string;
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  /** `<…@…>`, the same on every retry of one message, so a receiver can drop duplicates. */
  readonly messageId: string;
  readonly date: Date;
}

export interface MailReceipt {
  /** Where the message went, for the log: the relay, or the `.eml` file's path. Never the body. */
  readonly destination: string;
}

/**
 * Hands a message to the next hop (an SMTP relay, or a file for development). Resolves once the
 * hop accepted it; rejects when it did not (the sender retries with backoff). Passes
 * tests/contract/mail-transport.contract.ts.
 */
export interface MailTransport {
  send(mail: OutgoingMail): Promise<MailReceipt>;
  close(): Promise<void>;
}
export const MAIL_TRANSPORT = Symbol('MailTransport');

export interface MailSettings {
  readonly from: string;
  /** Links start here (the issuer unless PUBLIC_URL says otherwise). */
  readonly publicUrl: string;
  readonly productName: string;
  readonly resetTtlSeconds: number;
  readonly verificationTtlSeconds: number;
  /** `required`: a correct password on an unverified address issues no tokens. */
  readonly verificationRequired: boolean;
  /** First retry delay; doubles per failure with jitter, capped at an hour. */
  readonly retryBaseSeconds: number;
}
export const MAIL_SETTINGS = Symbol('MailSettings');
