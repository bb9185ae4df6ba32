import { inject, injectable } from 'tsyringe';
import { mailDecider, type MailCommand } from '../../domain/mail/mail.decider.js';
import { mailStreamId, type MailKind } from '../../domain/mail/mail.events.js';
import { EMAIL_VERIFICATION_TOKEN, PASSWORD_RESET_TOKEN } from '../../domain/user/account-recovery.events.js';
import { CommandHandler } from '../command-handler.js';
import { INSTANCE_ID } from '../instance-id.js';
import { CLOCK, type Clock } from '../ports/clock.port.js';
import { FIELD_SEALER, type FieldSealer } from '../ports/field-sealer.port.js';
import { LOGGER, type Logger } from '../ports/logger.port.js';
import { MAIL_OUTBOX, type MailOutbox, type MailView } from '../ports/mail-outbox.port.js';
import {
  MAIL_SETTINGS,
  MAIL_TRANSPORT,
  type MailSettings,
  type MailTransport,
} from '../ports/mail-transport.port.js';
import { USER_READ_MODEL, type UserReadModel } from '../ports/user-read-model.port.js';
import { UserRepository } from '../users/user-repository.js';
import { renderMail } from './mail-templates.js';

/** Messages taken per pass; the rest wait for the next one. */
const BATCH = 20;
const MAX_RETRY_SECONDS = 3600;
/** A notice older than this is history, not news: not mailed (and a token this old is dead). */
const MAX_AGE_MS = 24 * 3600 * 1000;
/**
 * How long a claim keeps other instances off a message: longer than a send can take (the SMTP
 * transport gives up on each phase after 10 s), so only a sender that died lets another resend.
 */
export const MAIL_CLAIM_MS = 2 * 60 * 1000;

/** Purpose under which each token kind was sealed into its event. */
const TOKEN_PURPOSE: Partial<Record<MailKind, string>> = {
  'password-reset': PASSWORD_RESET_TOKEN,
  'email-verification': EMAIL_VERIFICATION_TOKEN,
};

/** The base doubled per failure, capped at an hour, with jitter (half to all of it). */
export const mailRetryDelayMs = (attempt: number, baseSeconds: number, random: number): number =>
  Math.round(
    Math.min(MAX_RETRY_SECONDS, baseSeconds * 2 ** Math.min(attempt - 1, 20)) * 1000 * (0.5 + random / 2),
  );

/**
 * The reactor behind mail. The outbox read model lists what is due; each message's own stream
 * (`mail-<position>`) decides whether it still needs sending, so a read model that lags behind
 * our own `MailSent` never causes a second send. Order per message: claim, send, record. The
 * claim is an append at the version read, so of several instances due to send one message one
 * sends it. A crash after the claim sends it again once the claim runs out (same Message-ID),
 * never loses it.
 */
@injectable()
export class DeliverMail {
  constructor(
    @inject(CommandHandler) private readonly commands: CommandHandler,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(FIELD_SEALER) private readonly sealer: FieldSealer,
    @inject(MAIL_OUTBOX) private readonly outbox: MailOutbox,
    @inject(MAIL_TRANSPORT) private readonly transport: MailTransport,
    @inject(MAIL_SETTINGS) private readonly settings: MailSettings,
    @inject(UserRepository) private readonly users: UserRepository,
    @inject(USER_READ_MODEL) private readonly userViews: UserReadModel,
    @inject(LOGGER) private readonly logger: Logger,
    /** This process, as its claims name it. */
    @inject(INSTANCE_ID) private readonly sender: string,
  ) {}

  /** One pass over the due messages; `stopping` is asked between messages. */
  async sendDue(stopping: () => boolean = () => false): Promise<number> {
    let sent = 0;
    for (const view of await this.outbox.due(this.clock.now(), BATCH)) {
      if (stopping()) break;
      if (await this.deliver(view)) sent++;
    }
    return sent;
  }

  private async deliver(view: MailView): Promise<boolean> {
    const { state } = await this.commands.load(mailStreamId(view.id), mailDecider);
    if (state.sent) return false;
    const now = this.clock.now();
    const about = { messageId: view.id, kind: view.kind, sender: this.sender };
    const erased = view.userId !== null && (await this.users.stateOf(view.userId)).status === 'erased';
    const expired = erased ? 'recipient-erased' : expiryOf(view, now);
    if (expired !== null) {
      const { events } = await this.decide({ ...about, type: 'RecordMailExpired', reason: expired, now });
      if (events.length > 0) {
        this.logger.info({ messageId: view.id, kind: view.kind, reason: expired }, 'mail not sent: expired');
      }
      return false;
    }
    // Sent meanwhile, or another sender holds it (or its retry is not due): theirs to finish.
    const claim = await this.decide({ ...about, type: 'ClaimMail', leaseMs: MAIL_CLAIM_MS, now });
    if (claim.events.length === 0) return false;
    let sent: { readonly rfcMessageId: string; readonly destination: string };
    try {
      const mail = await this.compose(view, now);
      sent = { rfcMessageId: mail.messageId, destination: (await this.transport.send(mail)).destination };
    } catch (error) {
      await this.recordFailure(view, claim.state.failures + 1, error);
      return false;
    }
    // Outside the failure path: a store that cannot take this record must not turn a sent mail
    // into a failed one. The claim is still this sender's: its next pass sends the message once
    // more, with the same Message-ID (other instances keep off until the claim runs out).
    await this.decide({
      ...about,
      type: 'RecordMailSent',
      rfcMessageId: sent.rfcMessageId,
      now: this.clock.now(),
    }).catch((error: unknown) => {
      this.logger.warn({ messageId: view.id, kind: view.kind, err: error }, 'mail sent, not recorded');
      throw error;
    });
    // The file or relay, never the token or the body.
    this.logger.info({ messageId: view.id, kind: view.kind, destination: sent.destination }, 'mail sent');
    return true;
  }

  /** The message's own stream decides; an empty decision means the message is not this sender's. */
  private decide(command: MailCommand) {
    return this.commands.handle(mailStreamId(command.messageId), mailDecider, command, {
      metadata: {},
      now: command.now,
    });
  }

  /** The retry is put off from when the send failed, by the attempt the stream counts. */
  private async recordFailure(view: MailView, attempt: number, error: unknown): Promise<void> {
    const now = this.clock.now();
    const nextAttemptAt = new Date(
      now.getTime() + mailRetryDelayMs(attempt, this.settings.retryBaseSeconds, Math.random()),
    );
    const reason = error instanceof Error ? error.message : String(error);
    const { kind } = view;
    const { events } = await this.decide({
      type: 'RecordMailFailed',
      messageId: view.id,
      kind,
      sender: this.sender,
      error: reason,
      nextAttemptAt,
      now,
    });
    // Told after it is recorded, and only if it was: a sender that lost the claim retries nothing.
    if (events.length > 0)
      this.logger.warn({ messageId: view.id, kind, attempt, reason }, 'mail not sent; will retry');
  }

  /** The user's address (or the one the event named), or every active administrator's. */
  private async recipientsOf(view: MailView): Promise<string> {
    if (view.userId !== null) {
      const to = view.to ?? (await this.users.find(view.userId))?.email;
      if (to === undefined) throw new Error('the account no longer exists');
      return to;
    }
    const admins: string[] = [];
    let after: number | undefined;
    do {
      const page = await this.userViews.search({ role: 'admin', limit: 100, after });
      admins.push(...page.items.filter((u) => u.isActive).map((u) => u.email));
      after = page.nextAfter ?? undefined;
    } while (after !== undefined);
    if (admins.length === 0) throw new Error('no active administrator to tell');
    return admins.join(', ');
  }

  private async compose(view: MailView, now: Date) {
    const to = await this.recipientsOf(view);
    const purpose = TOKEN_PURPOSE[view.kind];
    const token =
      purpose !== undefined && view.sealedToken !== null && view.userId !== null
        ? this.sealer.open({ purpose, subjectId: view.userId }, view.sealedToken)
        : null;
    if (purpose !== undefined && token === null) throw new Error('the token of this message is gone');
    const rendered = renderMail(view.kind, {
      productName: this.settings.productName,
      publicUrl: this.settings.publicUrl,
      email: to,
      token,
      expiresAt: view.expiresAt,
      ...(view.details === undefined ? {} : { details: view.details }),
    });
    const host = hostOf(this.settings.from);
    return { from: this.settings.from, to, ...rendered, messageId: `<mail-${view.id}@${host}>`, date: now };
  }
}

const expiryOf = (view: MailView, now: Date): 'token-expired' | 'too-old' | null => {
  if (view.expiresAt !== null && Date.parse(view.expiresAt) <= now.getTime()) return 'token-expired';
  return now.getTime() - Date.parse(view.createdAt) > MAX_AGE_MS ? 'too-old' : null;
};

const hostOf = (address: string): string => {
  const at = /@([A-Za-z0-9.-]+)>?\s*$/.exec(address);
  return at?.[1] ?? 'localhost';
};
