/** The contract for outgoing webhooks. */
import { z } from '@hono/zod-openapi';
import { DateTimeString } from './common.ts';

export const WEBHOOK_EVENTS = [
  'order.created',
  'order.cancelled',
  'order.refunded',
  'status.changed',
] as const;
export const WEBHOOK_DELIVERY_STATUSES = ['pending', 'delivered', 'failed', 'cancelled'] as const;

const secretField = z.string().min(16).max(200).openapi({
  description: 'your own signing secret (at least 16 characters); generated (whsec_…) when absent',
});

export const Webhook = z
  .object({
    id: z.number().int(),
    url: z.string(),
    description: z.string().nullable(),
    events: z.array(z.string()),
    enabled: z.boolean(),
    state: z.enum(['active', 'disabled', 'failing']).openapi({
      description: 'failing: too many failed attempts in a row; deliveries are held until enabled again',
    }),
    consecutive_failures: z.number().int(),
    failing_since: DateTimeString.nullable(),
    last_success_at: DateTimeString.nullable(),
    last_failure_at: DateTimeString.nullable(),
    created_at: DateTimeString,
    updated_at: DateTimeString,
  })
  .openapi('Webhook');

export const WebhookWithSecret = Webhook.extend({
  secret: z.string().nullable().openapi({
    description: 'the signing secret: returned only when created, set or rotated; store it now',
  }),
}).openapi('WebhookWithSecret');

export const WebhookList = z.object({ items: z.array(Webhook) }).openapi('WebhookList');

export const WebhookCreate = z
  .object({
    url: z.string().min(1).max(2000).openapi({ example: 'https://hooks.example.com/comeback' }),
    description: z.string().max(500).nullable().optional(),
    events: z.array(z.enum(WEBHOOK_EVENTS)).min(1).max(WEBHOOK_EVENTS.length),
    enabled: z.boolean().optional(),
    secret: secretField.optional(),
  })
  .openapi('WebhookCreate');

export const WebhookPatch = z
  .object({
    url: z.string().min(1).max(2000).optional(),
    description: z.string().max(500).nullable().optional(),
    events: z.array(z.enum(WEBHOOK_EVENTS)).min(1).max(WEBHOOK_EVENTS.length).optional(),
    enabled: z.boolean().optional().openapi({ description: 'true also resumes a failing endpoint' }),
    secret: secretField.optional(),
    rotate_secret: z.boolean().optional().openapi({ description: 'generate a new secret (returned once)' }),
  })
  .openapi('WebhookPatch');

export const WebhookAttemptSchema = z
  .object({
    at: DateTimeString,
    status_code: z.number().int().nullable(),
    error: z.string().nullable(),
    duration_ms: z.number().int(),
    response_excerpt: z.string().nullable(),
  })
  .openapi('WebhookAttempt');

export const WebhookDelivery = z
  .object({
    id: z.number().int(),
    delivery_id: z.string().openapi({ description: 'the webhook-id header: the same on every retry' }),
    event_id: z.string(),
    type: z.string(),
    status: z.enum(WEBHOOK_DELIVERY_STATUSES),
    attempts: z.number().int(),
    max_attempts: z.number().int(),
    last_status_code: z.number().int().nullable(),
    last_error: z.string().nullable(),
    next_attempt_at: DateTimeString.nullable(),
    delivered_at: DateTimeString.nullable(),
    created_at: DateTimeString,
    data: z.unknown(),
    attempt_log: z.array(WebhookAttemptSchema),
  })
  .openapi('WebhookDelivery');

export const WebhookDeliveryPage = z
  .object({ items: z.array(WebhookDelivery), next_cursor: z.string().nullable() })
  .openapi('WebhookDeliveryPage');

export const WebhookDeliveryQuery = z.object({
  status: z.enum(WEBHOOK_DELIVERY_STATUSES).optional(),
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

export type WebhookJson = z.infer<typeof Webhook>;
export type WebhookWithSecretJson = z.infer<typeof WebhookWithSecret>;
export type WebhookCreateJson = z.input<typeof WebhookCreate>;
export type WebhookPatchJson = z.input<typeof WebhookPatch>;
export type WebhookDeliveryJson = z.infer<typeof WebhookDelivery>;
export type WebhookDeliveryPageJson = z.infer<typeof WebhookDeliveryPage>;
