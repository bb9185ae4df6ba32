import { z } from 'zod';
import { text, uuidParam } from './common.js';
import { pageOf } from './response.schemas.js';

const timestamp = z.iso.datetime().meta({ description: 'ISO-8601 UTC timestamp.' });

export const webhookPath = z.object({ id: uuidParam.meta({ description: 'Webhook subscription id.' }) });

export const webhookBody = z.object({
  url: text(2048).meta({
    description: 'http(s) URL; hosts resolving to private, loopback or link-local addresses are refused.',
    examples: ['https://siem.example.com/hooks/auth'],
  }),
  event_types: z
    .array(text(64))
    .min(1, 'must name at least one event type, or "*"')
    .max(100)
    .meta({ description: 'Event types to deliver, or `["*"]` for every one.', examples: [['LoginFailed']] }),
});

const webhookFields = {
  id: z.uuid(),
  url: z.string(),
  event_types: z.array(z.string()),
};

export const createdWebhookResponse = z
  .object({
    ...webhookFields,
    secret: z.string().meta({ description: 'The `whsec_…` signing secret. Shown only in this response.' }),
  })
  .meta({ id: 'CreatedWebhook' });

export const webhookResponse = z
  .object({
    ...webhookFields,
    status: z.enum(['active', 'disabled']),
    disabled_reason: z.string().nullable(),
    created_at: timestamp,
    delivered_up_to: z.number().int().meta({ description: 'Global position every delivery has reached.' }),
    failures: z.number().int().meta({ description: 'Failed attempts at the next message.' }),
    next_attempt_at: timestamp.nullable(),
  })
  .meta({ id: 'Webhook' });

export const deliveryResponse = z
  .object({
    position: z.number().int(),
    event_type: z.string(),
    attempts: z.number().int(),
    last_status: z
      .number()
      .int()
      .nullable()
      .meta({ description: 'HTTP status of the last attempt; null when none came back.' }),
    delivered_at: timestamp.nullable(),
    next_attempt_at: timestamp.nullable(),
  })
  .meta({ id: 'WebhookDelivery' });

export const webhookPage = pageOf(webhookResponse, 'WebhookPage');
export const deliveryPage = pageOf(deliveryResponse, 'WebhookDeliveryPage');
