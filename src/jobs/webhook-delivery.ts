/**
 * Delivery of outgoing webhooks (issue 4): every minute, everything due in the outbox is sent
 * (app/webhooks/deliver-webhooks.ts: signed, with a timeout, retried with exponential backoff,
 * every attempt recorded). Idempotent: deliveries are claimed under a lease, so an overlapping
 * run or a second process never sends one twice at once.
 */
import { deliverDueWebhooks } from '../app/webhooks/deliver-webhooks.ts';
import type { JobDefinition } from './daily-refresh.ts';

export const webhookDelivery: JobDefinition = {
  id: 'webhooks.deliver',
  version: 1,
  everyMs: 60_000,
  handler: (db, now) => deliverDueWebhooks(db, { now }),
};
