/**
 * Two instances' senders over one log and one outbox: however their passes overlap, each message
 * goes out once. The transport holds every send until released, so both passes are in flight
 * together (the window that let both send before a message's stream had a claim).
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CommandHandler } from '../../../src/application/command-handler.js';
import { DeliverMail, MAIL_CLAIM_MS } from '../../../src/application/mail/deliver-mail.js';
import type { MailTransport, OutgoingMail } from '../../../src/application/ports/mail-transport.port.js';
import { mailOutboxProjection } from '../../../src/application/projections/index.js';
import { UserRepository } from '../../../src/application/users/user-repository.js';
import { AesGcmSecretBox } from '../../../src/infrastructure/crypto/aes-gcm-secret-box.js';
import { MasterKeyFieldSealer } from '../../../src/infrastructure/crypto/master-key-field-sealer.js';
import { SqliteEventStore } from '../../../src/infrastructure/event-store/sqlite-event-store.js';
import { bind } from '../../../src/infrastructure/log-follower/read-model-batch.js';
import { SqliteMailOutbox } from '../../../src/infrastructure/read-models/sqlite/sqlite-mail-outbox.js';
import { SqliteReadModelDatabase } from '../../../src/infrastructure/read-models/sqlite/sqlite-read-model-database.js';
import { SqliteUserReadModel } from '../../../src/infrastructure/read-models/sqlite/sqlite-user-read-model.js';
import { userView } from '../../contract/user-read-model.contract.js';

const silent = { debug() {}, info() {}, warn() {}, error() {} };
const SETTINGS = {
  from: 'Auth <auth@example.com>',
  publicUrl: 'https://auth.example.com',
  productName: 'Auth',
  resetTtlSeconds: 1800,
  verificationTtlSeconds: 86_400,
  verificationRequired: false,
  retryBaseSeconds: 5,
};

/** Every send waits until `release` (a slow relay), then lands in the mailbox both instances share. */
class HeldTransport implements MailTransport {
  private opened: Promise<void>;
  release: () => void = () => {};
  constructor(private readonly mailbox: OutgoingMail[]) {
    this.opened = new Promise((resolve) => (this.release = resolve));
  }
  /** Refuse every message (a relay that is down). */
  refusing = false;
  /** Runs during each send: a slow relay moves the clock. */
  during: () => void = () => {};
  async send(mail: OutgoingMail) {
    await this.opened;
    this.during();
    if (this.refusing) throw new Error('451 try again later');
    this.mailbox.push(mail);
    return { destination: 'held' };
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

async function twoInstances(messages: number) {
  const store = new SqliteEventStore({ file: ':memory:' });
  const db = new SqliteReadModelDatabase({ file: ':memory:' });
  const outbox = new SqliteMailOutbox(db);
  const admins = new SqliteUserReadModel(db);
  await admins.save([{ id: 'user-1', doc: userView(1, { role: 'admin' }), position: 1 }]);
  let now = new Date('2026-03-01T12:00:00.000Z');
  const clock = { now: () => now };
  for (let i = 1; i <= messages; i++) {
    await store.append({
      streamId: `webhook-s${i}`,
      expectedVersion: 'any',
      events: [
        {
          type: 'WebhookDisabled',
          data: { subscriptionId: `s${i}`, reason: 'failing', failingSince: now.toISOString() },
        },
      ],
      metadata: {},
      occurredAt: now,
    });
  }
  const outboxFeed = bind(mailOutboxProjection, outbox);
  const mailbox: OutgoingMail[] = [];
  const transports = [new HeldTransport(mailbox), new HeldTransport(mailbox)] as const;
  const sealer = new MasterKeyFieldSealer(new AesGcmSecretBox(new Uint8Array(32).fill(3)));
  // Each instance has its own command handler (and its cache of stream states) and relay.
  const sender = (transport: MailTransport, log: SqliteEventStore = store): DeliverMail => {
    const commands = new CommandHandler(log);
    const users = new UserRepository(commands, clock);
    return new DeliverMail(
      commands,
      clock,
      sealer,
      outbox,
      transport,
      SETTINGS,
      users,
      admins,
      silent,
      randomUUID(),
    );
  };
  return {
    store,
    mailbox,
    transports,
    senders: [sender(transports[0]), sender(transports[1])] as const,
    /** A sender whose store refuses to take a `MailSent` (a store glitch right after a send). */
    forgetfulSender: () => {
      const glitching = Object.create(store) as SqliteEventStore;
      glitching.append = (request) =>
        request.events.some((event) => event.type === 'MailSent')
          ? Promise.reject(new Error('store unavailable'))
          : store.append(request);
      return sender(transports[0], glitching);
    },
    /** The outbox catches up, as each instance's follower would. */
    catchUp: async () => outboxFeed.apply(await store.readAll(0, 10_000)),
    advance: (ms: number) => (now = new Date(now.getTime() + ms)),
  };
}

const typesOf = async (store: SqliteEventStore, streamId: string) =>
  (await store.readStream(streamId)).map((event) => event.type);

describe('DeliverMail on two instances', () => {
  it('sends each message once when both passes run at the same time', async () => {
    const { store, mailbox, transports, senders, catchUp } = await twoInstances(5);
    await catchUp();
    const passes = senders.map((sender) => sender.sendDue());
    // Let both passes reach the held sends (or their refused claims) before the relays answer.
    await new Promise((resolve) => setTimeout(resolve, 50));
    for (const transport of transports) transport.release();
    const sent = await Promise.all(passes);
    expect(sent.reduce((a, b) => a + b, 0)).toBe(5);
    expect(mailbox.map((mail) => mail.messageId).sort()).toEqual(
      [1, 2, 3, 4, 5].map((position) => `<mail-${position}@example.com>`),
    );
    for (let position = 1; position <= 5; position++) {
      expect(await typesOf(store, `mail-${position}`)).toEqual(['MailClaimed', 'MailSent']);
    }
    await catchUp();
    expect(await Promise.all(senders.map((sender) => sender.sendDue()))).toEqual([0, 0]);
    expect(mailbox).toHaveLength(5);
  });

  it('lets the other instance send a message whose claimer died, once the claim runs out', async () => {
    const { store, mailbox, transports, senders, catchUp, advance } = await twoInstances(1);
    await catchUp();
    // The first instance claims and gets no further: its relay never answers (it crashed).
    void senders[0].sendDue();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await typesOf(store, 'mail-1')).toEqual(['MailClaimed']);
    transports[1].release();
    expect(await senders[1].sendDue()).toBe(0);
    advance(MAIL_CLAIM_MS - 1);
    expect(await senders[1].sendDue()).toBe(0);
    expect(mailbox).toHaveLength(0);
    advance(1);
    expect(await senders[1].sendDue()).toBe(1);
    expect(mailbox.map((mail) => mail.messageId)).toEqual(['<mail-1@example.com>']);
    expect(await typesOf(store, 'mail-1')).toEqual(['MailClaimed', 'MailClaimed', 'MailSent']);
  });

  it("keeps to a failure's retry time on every instance, even one whose outbox has not seen the failure", async () => {
    const { store, mailbox, transports, senders, catchUp, advance } = await twoInstances(1);
    for (const transport of transports) transport.release();
    transports[0].refusing = true;
    await catchUp();
    expect(await senders[0].sendDue()).toBe(0);
    const failure = (await store.readStream('mail-1')).at(-1);
    expect(failure?.type).toBe('MailFailed');
    // The outbox still says "due now" (not caught up): the message's stream says when.
    expect(await senders[1].sendDue()).toBe(0);
    expect(mailbox).toHaveLength(0);
    advance(Date.parse(String(failure?.data['nextAttemptAt'])) - Date.parse('2026-03-01T12:00:00.000Z'));
    expect(await senders[1].sendDue()).toBe(1);
    expect(await typesOf(store, 'mail-1')).toEqual(['MailClaimed', 'MailFailed', 'MailClaimed', 'MailSent']);
  });

  it('puts a retry off from when the send failed, not from when it began', async () => {
    const { store, transports, senders, catchUp, advance } = await twoInstances(1);
    transports[0].release();
    transports[0].refusing = true;
    // The relay takes 30 s to refuse (SMTP timeouts), longer than the first retry delay.
    transports[0].during = () => advance(30_000);
    await catchUp();
    await senders[0].sendDue();
    const [claimed, failed] = await store.readStream('mail-1');
    expect([claimed?.type, failed?.type]).toEqual(['MailClaimed', 'MailFailed']);
    const failedAt = Date.parse('2026-03-01T12:00:30.000Z');
    const retryAt = Date.parse(String(failed?.data['nextAttemptAt']));
    // MAIL_RETRY_BASE 5 s, first attempt: between half and all of it after the failure.
    expect(retryAt - failedAt).toBeGreaterThanOrEqual(2500);
    expect(retryAt - failedAt).toBeLessThanOrEqual(5000);
  });

  it('records no failure for a mail that went out when the store cannot take its record', async () => {
    const { store, mailbox, transports, forgetfulSender, senders, catchUp } = await twoInstances(1);
    transports[0].release();
    await catchUp();
    await expect(forgetfulSender().sendDue()).rejects.toThrow('store unavailable');
    expect(mailbox).toHaveLength(1);
    expect(await typesOf(store, 'mail-1')).toEqual(['MailClaimed']);
    // The claim keeps the other instance off it; this instance sends it once more, same Message-ID.
    expect(await senders[1].sendDue()).toBe(0);
  });
});
