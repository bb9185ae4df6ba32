import type { UseCases } from '../../../application/use-cases.js';
import type { WebhookView } from '../../../application/ports/webhook-read-model.port.js';
import { problem } from '../openapi/problems.js';
import { requestContextOf } from '../request-context.js';
import { paged, statusAfter } from '../routing/handlers.js';
import { noContent, ok } from '../routing/responses.js';
import { defineRoute, type Route } from '../routing/route.js';
import { pageQuery } from '../schemas/common.js';
import {
  createdWebhookResponse,
  deliveryPage,
  webhookBody,
  webhookPage,
  webhookPath,
} from '../schemas/webhook.schemas.js';

const noSuchWebhook = problem(404, 'No such webhook subscription.');

const presentWebhook = (w: WebhookView) => ({
  id: w.id,
  url: w.url,
  event_types: w.eventTypes,
  status: w.status === 'disabled' ? ('disabled' as const) : ('active' as const),
  disabled_reason: w.disabledReason,
  created_at: w.createdAt,
  delivered_up_to: w.cursor,
  failures: w.failures,
  next_attempt_at: w.nextAttemptAt,
});

/** Standard Webhooks subscriptions (API.md "The audit trail leaves the building intact"). */
export const webhookRoutes = (u: UseCases): Route[] => [
  defineRoute({
    method: 'post',
    path: '/admin/webhooks',
    access: 'admin',
    operationId: 'createWebhook',
    summary: 'Subscribe a URL to events (Standard Webhooks)',
    description:
      'Answers the `whsec_…` signing secret once. Targets resolving to private, loopback, link-local, unique-local, CGNAT or multicast addresses are refused (422) unless `WEBHOOK_ALLOW_PRIVATE=true`.',
    tag: 'Administration',
    request: { json: webhookBody },
    responses: {
      ...ok('The subscription, with its signing secret.', createdWebhookResponse, '201'),
      ...problem(422, 'The URL or an event type is not acceptable.'),
    },
    handler: async (ctx, { body }) => {
      const created = await u.webhooks.subscribe(body.url, body.event_types, requestContextOf(ctx));
      ctx.status = 201;
      ctx.set('Cache-Control', 'no-store');
      ctx.body = {
        id: created.id,
        url: created.url,
        event_types: created.eventTypes,
        secret: created.secret,
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/admin/webhooks',
    access: 'admin',
    operationId: 'listWebhooks',
    summary: 'Webhook subscriptions (without their secrets)',
    tag: 'Administration',
    request: { query: pageQuery },
    responses: ok('A page of subscriptions, newest first.', webhookPage),
    handler: paged((_input, page) => u.webhooks.list(page), presentWebhook),
  }),
  defineRoute({
    method: 'delete',
    path: '/admin/webhooks/{id}',
    access: 'admin',
    operationId: 'deleteWebhook',
    summary: 'Unsubscribe: no further deliveries',
    tag: 'Administration',
    request: { path: webhookPath },
    responses: { ...noContent('The subscription is removed.'), ...noSuchWebhook },
    handler: statusAfter(204, ({ params }, context) => u.webhooks.unsubscribe(params.id, context)),
  }),
  defineRoute({
    method: 'get',
    path: '/admin/webhooks/{id}/deliveries',
    access: 'admin',
    operationId: 'webhookDeliveries',
    summary: "A subscription's delivery log",
    tag: 'Administration',
    request: { path: webhookPath, query: pageQuery },
    responses: { ...ok('A page of deliveries, newest position first.', deliveryPage), ...noSuchWebhook },
    handler: paged(
      ({ params }, page) => u.webhooks.deliveries(params.id, page),
      (d) => ({
        position: d.position,
        event_type: d.eventType,
        attempts: d.attempts,
        last_status: d.lastStatus,
        delivered_at: d.deliveredAt,
        next_attempt_at: d.nextAttemptAt,
      }),
    ),
  }),
];
