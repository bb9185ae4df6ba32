import type { Decider } from '../shared/decider.js';
import { DomainError } from '../shared/domain-error.js';
import type { Recorded } from '../shared/event.js';
import type { DeliveryRecord, WebhookEvent, WebhookSubscribed } from './webhook.events.js';

export interface WebhookSubscription {
  readonly status: 'active' | 'disabled' | 'deleted';
  readonly id: string;
  readonly url: string;
  readonly eventTypes: readonly string[];
  readonly sealedSecret: string;
  /** Every event up to this position is delivered (or does not match). */
  readonly cursor: number;
  /** Failed attempts at the message after the cursor. */
  readonly failures: number;
  /** When the current run of failures began (ISO), null while deliveries succeed. */
  readonly failingSince: string | null;
  readonly nextAttemptAt: string | null;
  /** Who delivers it until when (epoch ms); expired claims are nobody's. */
  readonly sender: { readonly id: string; readonly until: number } | null;
}
export type WebhookState = { readonly status: 'none' } | WebhookSubscription;

export type WebhookCommand =
  | ({ readonly type: 'Subscribe' } & WebhookSubscribed['data'])
  | { readonly type: 'Unsubscribe' }
  | { readonly type: 'ClaimSender'; readonly sender: string; readonly now: Date; readonly leaseMs: number }
  | { readonly type: 'ReleaseSender'; readonly sender: string; readonly now: Date }
  | {
      readonly type: 'RecordDelivered';
      readonly position: number;
      readonly deliveries: readonly DeliveryRecord[];
    }
  | {
      readonly type: 'RecordFailure';
      readonly position: number;
      readonly eventType: string;
      readonly status: number | null;
      readonly error: string | null;
      readonly now: Date;
      readonly nextAttemptAt: Date;
      /** Failing continuously this long disables the subscription. */
      readonly disableAfterMs: number;
    };

const notFound = (): DomainError => new DomainError('webhook_not_found', 'No such webhook subscription.');

export const initialWebhookState = (): WebhookState => ({ status: 'none' });

function evolve(state: WebhookState, event: Recorded<WebhookEvent>): WebhookState {
  if (event.type === 'WebhookSubscribed') {
    const d = event.data;
    return {
      status: 'active',
      id: d.subscriptionId,
      url: d.url,
      eventTypes: d.eventTypes,
      sealedSecret: d.sealedSecret,
      cursor: d.startAfter,
      failures: 0,
      failingSince: null,
      nextAttemptAt: null,
      sender: null,
    };
  }
  if (state.status === 'none') return state;
  switch (event.type) {
    case 'WebhookUnsubscribed':
      return { ...state, status: 'deleted' };
    case 'WebhookDisabled':
      return { ...state, status: 'disabled' };
    case 'WebhookSenderClaimed':
      return { ...state, sender: { id: event.data.sender, until: Date.parse(event.data.until) } };
    case 'WebhookSenderReleased':
      return state.sender?.id === event.data.sender ? { ...state, sender: null } : state;
    case 'WebhookDelivered':
      return { ...state, cursor: event.data.position, failures: 0, failingSince: null, nextAttemptAt: null };
    case 'WebhookDeliveryFailed':
      return {
        ...state,
        failures: event.data.attempt,
        failingSince: state.failingSince ?? event.occurredAt.toISOString(),
        nextAttemptAt: event.data.nextAttemptAt,
      };
  }
}

function decide(command: WebhookCommand, state: WebhookState): WebhookEvent[] {
  if (command.type === 'Subscribe') {
    if (state.status !== 'none') throw new DomainError('conflict', 'This webhook subscription exists.');
    const { type: _type, ...data } = command;
    return [{ type: 'WebhookSubscribed', data }];
  }
  if (command.type === 'ClaimSender' || command.type === 'ReleaseSender') return decideSender(command, state);
  if (state.status === 'none' || state.status === 'deleted') throw notFound();
  const subscriptionId = state.id;
  switch (command.type) {
    case 'Unsubscribe':
      return [{ type: 'WebhookUnsubscribed', data: { subscriptionId } }];
    case 'RecordDelivered':
      // A second sender (another instance, a replay after a crash) acknowledging again changes nothing.
      if (state.status !== 'active' || command.position <= state.cursor) return [];
      return [
        {
          type: 'WebhookDelivered',
          data: { subscriptionId, position: command.position, deliveries: command.deliveries },
        },
      ];
    case 'RecordFailure': {
      if (state.status !== 'active' || command.position <= state.cursor) return [];
      const failingSince = state.failingSince ?? command.now.toISOString();
      const failed: WebhookEvent = {
        type: 'WebhookDeliveryFailed',
        data: {
          subscriptionId,
          position: command.position,
          eventType: command.eventType,
          attempt: state.failures + 1,
          status: command.status,
          error: command.error,
          nextAttemptAt: command.nextAttemptAt.toISOString(),
        },
      };
      if (command.now.getTime() - Date.parse(failingSince) < command.disableAfterMs) return [failed];
      const days = Math.round(command.disableAfterMs / 86_400_000);
      return [
        failed,
        {
          type: 'WebhookDisabled',
          data: {
            subscriptionId,
            reason: `every delivery failed since ${failingSince} (${days >= 1 ? `${days} d` : `${command.disableAfterMs / 1000} s`})`,
            failingSince,
          },
        },
      ];
    }
  }
}

/**
 * Which sender delivers: a claim is taken from nobody or renewed by its holder, never taken from
 * another while it lasts; nothing to deliver (disabled, deleted, unknown) is nobody's, quietly.
 */
function decideSender(
  command: Extract<WebhookCommand, { type: 'ClaimSender' | 'ReleaseSender' }>,
  state: WebhookState,
): WebhookEvent[] {
  if (state.status !== 'active') return [];
  const { sender, now } = command;
  const held = state.sender;
  const heldByOther = held !== null && held.id !== sender && held.until > now.getTime();
  if (command.type === 'ReleaseSender') {
    const ours = held !== null && held.id === sender && held.until > now.getTime();
    return ours ? [{ type: 'WebhookSenderReleased', data: { subscriptionId: state.id, sender } }] : [];
  }
  if (heldByOther) return [];
  const until = new Date(now.getTime() + command.leaseMs).toISOString();
  return [{ type: 'WebhookSenderClaimed', data: { subscriptionId: state.id, sender, until } }];
}

/** A webhook subscription: who it sends to, and how far its deliveries got. */
export const webhookDecider: Decider<WebhookCommand, WebhookEvent, WebhookState> = {
  initialState: initialWebhookState,
  evolve,
  decide,
};

/** Whether the subscription wants events of `type`. */
export const wants = (eventTypes: readonly string[], type: string): boolean =>
  eventTypes.includes('*') || eventTypes.includes(type);
