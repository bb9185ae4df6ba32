import { inject, injectable } from 'tsyringe';
import { wants, webhookDecider, type WebhookSubscription } from '../../domain/webhook/webhook.decider.js';
import {
  WEBHOOK_STREAM_PREFIX,
  webhookStreamId,
  type DeliveryRecord,
  type WebhookEvent,
} from '../../domain/webhook/webhook.events.js';
import { CommandHandler } from '../command-handler.js';
import { INSTANCE_ID } from '../instance-id.js';
import type { WebhookCommand } from '../../domain/webhook/webhook.decider.js';
import { CLOCK, type Clock } from '../ports/clock.port.js';
import { EVENT_STORE, type EventStore, type StoredEvent } from '../ports/event-store.port.js';
import { LOGGER, type Logger } from '../ports/logger.port.js';
import { SECRET_BOX, type SecretBox } from '../ports/secret-box.port.js';
import {
  WEBHOOK_CLIENT,
  WEBHOOK_SETTINGS,
  type WebhookAttempt,
  type WebhookClient,
  type WebhookSettings,
} from '../ports/webhook-client.port.js';
import { WEBHOOK_READ_MODEL, type WebhookReadModel } from '../ports/webhook-read-model.port.js';
import { webhookSecretContext } from './manage-webhooks.use-case.js';
import { webhookMessageId, webhookPayload } from './webhook-payload.js';

/** A delivery pass over one subscription: the stream version its records and claims build on. */
interface Pass {
  version: number;
}

/** Events read per page after a subscription's cursor. */
const PAGE_SIZE = 100;
/**
 * How long a sender's claim on a subscription lasts: four attempts' worth (20 s at the default
 * WEBHOOK_TIMEOUT of 5 s), so a send begun with half of the claim left has ended (or timed out)
 * before the claim does, and another instance takes over from a dead one within that.
 */
export const webhookClaimMs = (settings: WebhookSettings): number =>
  Math.max(20_000, 4 * settings.timeoutSeconds * 1000);

/**
 * Delay before attempt `attempt + 1`: the base doubled per failure, capped, with jitter (half to
 * all of it) so receivers coming back are not hit by every sender at once.
 */
export const retryDelayMs = (attempt: number, settings: WebhookSettings, random: number): number => {
  const capped = Math.min(
    settings.maxRetrySeconds,
    settings.retryBaseSeconds * 2 ** Math.min(attempt - 1, 30),
  );
  return Math.round(capped * 1000 * (0.5 + random / 2));
};

/**
 * The reactor behind webhooks. The read model names the active subscriptions and their cursors;
 * each due one reads only the events after its cursor, in pages, and POSTs the matching ones in
 * position order, one per message. Progress is recorded as events of the subscription's stream
 * through the command handler (one `WebhookDelivered` per run), so a crash resends at most the
 * run in flight, with the same `webhook-id`. Events of webhook streams are never delivered:
 * each acknowledgement would be a new event to deliver. Every instance runs one of these; a
 * subscription is delivered by the one sender holding its claim (`WebhookSenderClaimed`, renewed
 * while it has work), so instances do not each send every message.
 */
@injectable()
export class DeliverWebhooks {
  /** How far this process has read past a cursor without anything to record (skipped events). */
  private readonly scanned = new Map<string, number>();
  private readonly secrets = new Map<string, string>();
  /** Until when (epoch ms) this sender holds each subscription, as its own last claim said. */
  private readonly held = new Map<string, number>();
  constructor(
    @inject(EVENT_STORE) private readonly store: EventStore,
    @inject(CommandHandler) private readonly commands: CommandHandler,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(SECRET_BOX) private readonly box: SecretBox,
    @inject(WEBHOOK_CLIENT) private readonly client: WebhookClient,
    @inject(WEBHOOK_READ_MODEL) private readonly views: WebhookReadModel,
    @inject(WEBHOOK_SETTINGS) private readonly settings: WebhookSettings,
    @inject(LOGGER) private readonly logger: Logger,
    /** This process, as its claims name it. */
    @inject(INSTANCE_ID) private readonly sender: string,
  ) {}

  /** One pass over the subscriptions that are due; `stopping` is asked between messages. */
  async deliverDue(stopping: () => boolean = () => false): Promise<void> {
    const subscriptions = await this.views.active();
    if (subscriptions.length === 0) return;
    const head = await this.store.headPosition();
    const now = this.clock.now().getTime();
    for (const view of subscriptions) {
      if (stopping()) return;
      if (head <= Math.max(view.cursor, this.scanned.get(view.id) ?? 0)) continue;
      // The read model may lag behind our own records; the stream's state decides below.
      if (view.nextAttemptAt !== null && Date.parse(view.nextAttemptAt) > now) continue;
      try {
        await this.deliver(view.id, head, stopping);
      } catch (error) {
        this.logger.warn({ err: error, subscriptionId: view.id }, 'webhook delivery pass failed; retrying');
      }
    }
  }

  private async deliver(id: string, head: number, stopping: () => boolean): Promise<void> {
    const streamId = webhookStreamId(id);
    const { state, version } = await this.commands.load(streamId, webhookDecider);
    if (state.status !== 'active') return;
    if (state.nextAttemptAt !== null && Date.parse(state.nextAttemptAt) > this.clock.now().getTime()) return;
    // Another sender's: leave it. Otherwise the claim is taken at the first message to send, so
    // a log of events no subscription wants adds no claims.
    if (this.heldByOther(state)) return;
    const secret = this.secretOf(state);
    let after = Math.max(state.cursor, this.scanned.get(id) ?? 0);
    let failuresBefore = state.failures;
    // The stream's version as this pass last saw it: past it, the loaded state is stale.
    const pass: Pass = { version };
    while (after < head && !stopping()) {
      const page = await this.store.readAll(after, PAGE_SIZE);
      if (page.length === 0) break;
      const deliveries: DeliveryRecord[] = [];
      for (const event of page) {
        if (!this.matches(state, event)) {
          after = event.position;
          continue;
        }
        if (stopping()) break;
        if (!(await this.hold(state, pass))) {
          // Not ours, or no longer as this pass saw it: what it sent is recorded, the rest waits.
          if (deliveries.length > 0) await this.record(state, pass, after, deliveries, null);
          return;
        }
        const attempt = await this.client.send({
          url: state.url,
          id: webhookMessageId(event),
          timestamp: this.clock.now(),
          payload: webhookPayload(event),
          secret,
        });
        const attempts = failuresBefore + 1;
        failuresBefore = 0;
        if (!attempt.delivered) {
          await this.record(state, pass, after, deliveries, { event, attempt, attempts });
          return;
        }
        deliveries.push({
          position: event.position,
          eventType: event.type,
          attempts,
          status: attempt.status,
        });
        after = event.position;
      }
      if (deliveries.length > 0) await this.record(state, pass, after, deliveries, null);
      this.scanned.set(id, after);
    }
  }

  /** Gives this sender's claims up (a clean stop), so other instances take over at once. */
  async release(): Promise<void> {
    const now = this.clock.now();
    for (const [id, until] of this.held) {
      if (until <= now.getTime()) continue;
      await this.commands.handle(
        webhookStreamId(id),
        webhookDecider,
        { type: 'ReleaseSender', sender: this.sender, now },
        { metadata: {}, now },
      );
    }
    this.held.clear();
  }

  /** The stream says another sender holds it live: so be it, whatever this process thought. */
  private heldByOther(state: WebhookSubscription): boolean {
    const held = state.sender;
    if (held === null || held.id === this.sender || held.until <= this.clock.now().getTime()) return false;
    this.held.delete(state.id);
    return true;
  }

  /**
   * Whether this sender may start a send: its claim has more than half its time left, or it takes
   * (or renews) one. Taking one is an append at the version read, so of several senders one wins;
   * a live claim of another is refused by the decider. The pass goes on only if nothing but its
   * own records reached the stream since it read it: otherwise another sender (or an
   * administrator) acted meanwhile, and the next pass starts from the stream as it is.
   */
  private async hold(state: WebhookSubscription, pass: Pass): Promise<boolean> {
    const now = this.clock.now();
    const leaseMs = webhookClaimMs(this.settings);
    if ((this.held.get(state.id) ?? 0) - now.getTime() > leaseMs / 2) return true;
    const claim = await this.commands.handle(
      webhookStreamId(state.id),
      webhookDecider,
      { type: 'ClaimSender', sender: this.sender, now, leaseMs },
      { metadata: {}, now },
    );
    const claimed = claim.events.find(
      (e): e is Extract<WebhookEvent, { type: 'WebhookSenderClaimed' }> => e.type === 'WebhookSenderClaimed',
    );
    if (claimed === undefined) {
      this.held.delete(state.id);
      return false;
    }
    this.held.set(state.id, Date.parse(claimed.data.until));
    const unchanged = claim.version - claim.events.length === pass.version;
    pass.version = claim.version;
    return unchanged;
  }

  private async record(
    state: WebhookSubscription,
    pass: Pass,
    after: number,
    deliveries: readonly DeliveryRecord[],
    failure: {
      event: StoredEvent;
      attempt: Exclude<WebhookAttempt, { delivered: true }>;
      attempts: number;
    } | null,
  ): Promise<void> {
    const now = this.clock.now();
    const commands: WebhookCommand[] = [];
    if (deliveries.length > 0) commands.push({ type: 'RecordDelivered', position: after, deliveries });
    if (failure !== null) {
      const attempt = deliveries.length > 0 ? 1 : failure.attempts;
      commands.push({
        type: 'RecordFailure',
        position: failure.event.position,
        eventType: failure.event.type,
        status: failure.attempt.status,
        error: failure.attempt.error,
        now,
        nextAttemptAt: new Date(now.getTime() + retryDelayMs(attempt, this.settings, Math.random())),
        disableAfterMs: this.settings.disableAfterSeconds * 1000,
      });
    }
    const handled = await this.commands.handle(webhookStreamId(state.id), webhookDecider, commands, {
      metadata: {},
      now,
    });
    pass.version = handled.version;
    this.scanned.set(state.id, after);
    const disabled = handled.events.find(
      (e): e is Extract<WebhookEvent, { type: 'WebhookDisabled' }> => e.type === 'WebhookDisabled',
    );
    if (disabled !== undefined) {
      this.logger.error(
        { subscriptionId: state.id, reason: disabled.data.reason },
        'webhook subscription disabled',
      );
    }
  }

  private matches(state: WebhookSubscription, event: StoredEvent): boolean {
    return !event.streamId.startsWith(WEBHOOK_STREAM_PREFIX) && wants(state.eventTypes, event.type);
  }

  private secretOf(state: WebhookSubscription): string {
    let secret = this.secrets.get(state.id);
    if (secret === undefined) {
      secret = new TextDecoder().decode(this.box.open(state.sealedSecret, webhookSecretContext(state.id)));
      this.secrets.set(state.id, secret);
    }
    return secret;
  }
}
