import { inject, injectable } from 'tsyringe';
import { DomainError, invalid } from '../../domain/shared/domain-error.js';
import { webhookDecider } from '../../domain/webhook/webhook.decider.js';
import { ALL_EVENT_TYPES, webhookStreamId, type WebhookEvent } from '../../domain/webhook/webhook.events.js';
import { CommandHandler } from '../command-handler.js';
import { asRecorded } from '../event-sourcing.js';
import type { Page, PageRequest } from '../pagination.js';
import { CLOCK, type Clock } from '../ports/clock.port.js';
import { EVENT_STORE, type EventStore } from '../ports/event-store.port.js';
import { ID_GENERATOR, type IdGenerator } from '../ports/id-generator.port.js';
import { READ_MODEL_SYNC, type ReadModelSync } from '../ports/read-model-sync.port.js';
import { SECRET_BOX, type SecretBox } from '../ports/secret-box.port.js';
import { WEBHOOK_CLIENT, type WebhookClient } from '../ports/webhook-client.port.js';
import {
  WEBHOOK_READ_MODEL,
  type WebhookReadModel,
  type WebhookView,
} from '../ports/webhook-read-model.port.js';
import { metadataOf, type RequestContext } from '../request-context.js';

export interface CreatedWebhook {
  readonly id: string;
  readonly url: string;
  readonly eventTypes: readonly string[];
  /** Shown once, at creation. */
  readonly secret: string;
}

/** One message's story in the delivery log. */
export interface DeliveryLogEntry {
  readonly position: number;
  readonly eventType: string;
  readonly attempts: number;
  readonly lastStatus: number | null;
  readonly deliveredAt: string | null;
  readonly nextAttemptAt: string | null;
}

/** The context binds a sealed secret to its subscription: copied into another one, it does not open. */
export const webhookSecretContext = (subscriptionId: string): string => `webhook-secret:${subscriptionId}`;

const EVENT_TYPE = /^(\*|[A-Za-z][A-Za-z0-9]{0,63})$/;

/** Subscriptions, created, listed and removed by administrators, and their delivery log. */
@injectable()
export class ManageWebhooks {
  constructor(
    @inject(EVENT_STORE) private readonly store: EventStore,
    @inject(CommandHandler) private readonly commands: CommandHandler,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(ID_GENERATOR) private readonly ids: IdGenerator,
    @inject(SECRET_BOX) private readonly secrets: SecretBox,
    @inject(WEBHOOK_CLIENT) private readonly client: WebhookClient,
    @inject(WEBHOOK_READ_MODEL) private readonly views: WebhookReadModel,
    @inject(READ_MODEL_SYNC) private readonly sync: ReadModelSync,
  ) {}

  async subscribe(url: string, eventTypes: readonly string[], ctx: RequestContext): Promise<CreatedWebhook> {
    const types = [...new Set(eventTypes)];
    if (types.length === 0) throw invalid('event_types', 'must name at least one event type, or "*"');
    const bad = types.find((type) => !EVENT_TYPE.test(type));
    if (bad !== undefined) throw invalid('event_types', `"${bad.slice(0, 64)}" is not an event type`);
    const refusal = await this.client.refusal(url);
    if (refusal !== null) throw invalid('url', refusal);
    const id = this.ids.uuid();
    const secret = this.client.newSecret();
    await this.commands.handle(
      webhookStreamId(id),
      webhookDecider,
      {
        type: 'Subscribe',
        subscriptionId: id,
        url,
        eventTypes: types.includes(ALL_EVENT_TYPES) ? [ALL_EVENT_TYPES] : types,
        sealedSecret: this.secrets.seal(new TextEncoder().encode(secret), webhookSecretContext(id)),
        createdBy: ctx.actorId ?? null,
        startAfter: await this.store.headPosition(),
      },
      { metadata: metadataOf(ctx), now: this.clock.now() },
    );
    return { id, url, eventTypes: types.includes(ALL_EVENT_TYPES) ? [ALL_EVENT_TYPES] : types, secret };
  }

  async list(page: PageRequest): Promise<Page<WebhookView>> {
    if (page.after === undefined) await this.sync.catchUp();
    return this.views.list(page);
  }

  async unsubscribe(id: string, ctx: RequestContext): Promise<void> {
    await this.commands.handle(
      webhookStreamId(id),
      webhookDecider,
      { type: 'Unsubscribe' },
      {
        metadata: metadataOf(ctx),
        now: this.clock.now(),
      },
    );
  }

  /** Newest position first, from the subscription's own stream (its delivery records). */
  async deliveries(id: string, page: PageRequest): Promise<Page<DeliveryLogEntry>> {
    const loaded = await this.commands.load(webhookStreamId(id), webhookDecider);
    if (loaded.state.status === 'none' || loaded.state.status === 'deleted')
      throw new DomainError('webhook_not_found', 'No such webhook subscription.');
    const byPosition = new Map<number, DeliveryLogEntry>();
    for (const stored of await this.store.readStream(webhookStreamId(id))) {
      const event = asRecorded<WebhookEvent>(stored);
      if (event.type === 'WebhookDeliveryFailed') {
        const d = event.data;
        byPosition.set(d.position, {
          position: d.position,
          eventType: d.eventType,
          attempts: d.attempt,
          lastStatus: d.status,
          deliveredAt: null,
          nextAttemptAt: d.nextAttemptAt,
        });
      } else if (event.type === 'WebhookDelivered') {
        for (const delivery of event.data.deliveries) {
          byPosition.set(delivery.position, {
            position: delivery.position,
            eventType: delivery.eventType,
            attempts: delivery.attempts,
            lastStatus: delivery.status,
            deliveredAt: event.occurredAt.toISOString(),
            nextAttemptAt: null,
          });
        }
      }
    }
    const newestFirst = [...byPosition.values()]
      .filter((entry) => page.after === undefined || entry.position < page.after)
      .sort((a, b) => b.position - a.position);
    const items = newestFirst.slice(0, page.limit);
    const last = items.at(-1);
    return { items, nextAfter: newestFirst.length > page.limit && last !== undefined ? last.position : null };
  }
}
