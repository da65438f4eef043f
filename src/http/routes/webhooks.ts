/**
 * Outgoing webhooks (permission `webhooks:manage`, owners): /api/webhooks CRUD,
 * /api/webhooks/{id}/deliveries, /api/webhooks/{id}/test.
 */
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import {
  type Webhook as AppWebhook,
  createWebhook,
  type DeliveryRecord,
  deleteWebhook,
  getWebhook,
  listWebhookDeliveries,
  listWebhooks,
  sendTestDelivery,
  updateWebhook,
} from '../../app/webhooks/manage-webhooks.ts';
import { errors, IdParam, json, Security } from '../contract/common.ts';
import {
  Webhook,
  WebhookCreate,
  WebhookDelivery,
  type WebhookDeliveryJson,
  WebhookDeliveryPage,
  WebhookDeliveryQuery,
  type WebhookJson,
  WebhookList,
  WebhookPatch,
  WebhookWithSecret,
} from '../contract/webhooks.ts';
import type { ApiDeps, ApiEnv } from '../env.ts';

const tags = ['webhooks'];
const body = <T>(schema: T) => ({ body: { required: true, content: { 'application/json': { schema } } } });

/** What receivers get, stated once and shown on the create route in /api/docs. */
const PROTOCOL = `Each event is POSTed as JSON \`{ id, type, timestamp, workspace_id, data }\` with the Standard Webhooks headers:
\`webhook-id\` (the delivery id: the same on every retry, dedupe on it), \`webhook-timestamp\` (seconds) and
\`webhook-signature\` = \`v1,\` + base64(HMAC-SHA256(key, "{webhook-id}.{webhook-timestamp}.{body}")), where key is the
base64 part of a \`whsec_\` secret (or the UTF-8 bytes of a secret you chose); also \`comeback-event\` and \`comeback-attempt\`.
A 2xx within 10 s delivers; anything else is retried after 1, 2, 4 … 64 minutes (8 attempts), each attempt recorded;
after 10 failed attempts in a row the endpoint is marked failing and its deliveries are held until it is enabled again.

Events: \`order.created\` (orders sent one at a time — API, integrations; orders loaded by a file import are history
and emit nothing), \`order.cancelled\`, \`order.refunded\`, and \`status.changed\`: \`data.changes\` lists the customers
whose lifecycle status one write changed ({customer_id, from, to, on, reason}). An order gives one event with one or two
changes; an import or the daily recompute that moves thousands of customers does not send thousands of requests: its
changes go out in a few events of at most 500 changes each.`;

const presentWebhook = (w: AppWebhook): WebhookJson => ({
  id: w.id,
  url: w.url,
  description: w.description,
  events: w.events,
  enabled: w.enabled,
  state: w.state,
  consecutive_failures: w.consecutiveFailures,
  failing_since: w.failingSince,
  last_success_at: w.lastSuccessAt,
  last_failure_at: w.lastFailureAt,
  created_at: w.createdAt,
  updated_at: w.updatedAt,
});

const presentDelivery = (d: DeliveryRecord): WebhookDeliveryJson => ({
  id: d.id,
  delivery_id: d.deliveryKey,
  event_id: d.eventKey,
  type: d.type,
  status: d.status as WebhookDeliveryJson['status'],
  attempts: d.attempts,
  max_attempts: d.maxAttempts,
  last_status_code: d.lastStatusCode,
  last_error: d.lastError,
  next_attempt_at: d.nextAttemptAt,
  delivered_at: d.deliveredAt,
  created_at: d.createdAt,
  data: d.data,
  attempt_log: d.attemptLog.map((a) => ({
    at: a.at,
    status_code: a.statusCode,
    error: a.error,
    duration_ms: a.durationMs,
    response_excerpt: a.responseExcerpt,
  })),
});

const list = createRoute({
  method: 'get',
  path: '/api/webhooks',
  tags,
  security: Security,
  summary: 'Webhook endpoints of the workspace',
  responses: { 200: json(WebhookList, 'Endpoints'), ...errors() },
});
const create = createRoute({
  method: 'post',
  path: '/api/webhooks',
  tags,
  security: Security,
  summary: 'Add a webhook endpoint; the signing secret is returned this once',
  description: PROTOCOL,
  request: body(WebhookCreate),
  responses: { 201: json(WebhookWithSecret, 'Created (with its secret)'), ...errors(400, 422) },
});
const read = createRoute({
  method: 'get',
  path: '/api/webhooks/{id}',
  tags,
  security: Security,
  summary: 'One webhook endpoint and its health',
  request: { params: IdParam },
  responses: { 200: json(Webhook, 'Endpoint'), ...errors(404, 422) },
});
const patch = createRoute({
  method: 'patch',
  path: '/api/webhooks/{id}',
  tags,
  security: Security,
  summary: 'Change an endpoint; enable (resumes a failing one); set or rotate the secret (returned once)',
  request: { params: IdParam, ...body(WebhookPatch) },
  responses: { 200: json(WebhookWithSecret, 'Changed'), ...errors(400, 404, 422) },
});
const remove = createRoute({
  method: 'delete',
  path: '/api/webhooks/{id}',
  tags,
  security: Security,
  summary: 'Delete an endpoint; its pending deliveries are cancelled',
  request: { params: IdParam },
  responses: { 204: { description: 'Deleted' }, ...errors(404, 422) },
});
const deliveries = createRoute({
  method: 'get',
  path: '/api/webhooks/{id}/deliveries',
  tags,
  security: Security,
  summary: 'Deliveries to an endpoint, newest first, with every attempt (status code, error, duration)',
  request: { params: IdParam, query: WebhookDeliveryQuery },
  responses: { 200: json(WebhookDeliveryPage, 'Deliveries'), ...errors(400, 404, 422) },
});
const test = createRoute({
  method: 'post',
  path: '/api/webhooks/{id}/test',
  tags,
  security: Security,
  summary:
    'Send a webhook.test event to the endpoint now and return the attempt (a success resumes a failing endpoint)',
  request: { params: IdParam },
  responses: { 200: json(WebhookDelivery, 'The test delivery'), ...errors(404, 422) },
});

export function registerWebhookRoutes(app: OpenAPIHono<ApiEnv>, deps: ApiDeps): void {
  const { db } = deps;

  app.openapi(list, async (c) => {
    return c.json({ items: (await listWebhooks(db, c.get('principal'))).map(presentWebhook) }, 200);
  });

  app.openapi(create, async (c) => {
    const b = c.req.valid('json');
    const { webhook, secret } = await createWebhook(db, c.get('principal'), {
      url: b.url,
      events: b.events,
      ...(b.description !== undefined ? { description: b.description } : {}),
      ...(b.enabled !== undefined ? { enabled: b.enabled } : {}),
      ...(b.secret !== undefined ? { secret: b.secret } : {}),
    });
    c.header('Location', `/api/webhooks/${webhook.id}`);
    c.header('Cache-Control', 'no-store');
    return c.json({ ...presentWebhook(webhook), secret }, 201);
  });

  app.openapi(read, async (c) => {
    return c.json(presentWebhook(await getWebhook(db, c.get('principal'), c.req.valid('param').id)), 200);
  });

  app.openapi(patch, async (c) => {
    const b = c.req.valid('json');
    const { webhook, secret } = await updateWebhook(db, c.get('principal'), c.req.valid('param').id, {
      ...(b.url !== undefined ? { url: b.url } : {}),
      ...(b.description !== undefined ? { description: b.description } : {}),
      ...(b.events !== undefined ? { events: b.events } : {}),
      ...(b.enabled !== undefined ? { enabled: b.enabled } : {}),
      ...(b.secret !== undefined ? { secret: b.secret } : {}),
      ...(b.rotate_secret !== undefined ? { rotateSecret: b.rotate_secret } : {}),
    });
    c.header('Cache-Control', 'no-store');
    return c.json({ ...presentWebhook(webhook), secret }, 200);
  });

  app.openapi(remove, async (c) => {
    await deleteWebhook(db, c.get('principal'), c.req.valid('param').id);
    return c.body(null, 204);
  });

  app.openapi(deliveries, async (c) => {
    const q = c.req.valid('query');
    const page = await listWebhookDeliveries(db, c.get('principal'), c.req.valid('param').id, {
      limit: q.limit,
      ...(q.cursor !== undefined ? { cursor: q.cursor } : {}),
      ...(q.status !== undefined ? { status: q.status } : {}),
    });
    return c.json({ items: page.items.map(presentDelivery), next_cursor: page.nextCursor }, 200);
  });

  app.openapi(test, async (c) => {
    return c.json(
      presentDelivery(await sendTestDelivery(db, c.get('principal'), c.req.valid('param').id)),
      200,
    );
  });
}
