/** /api/orders: push an order (idempotent), read, cancel, refund. */
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { setOrderStatus } from '../../app/api/change-order-status.ts';
import { createOrder, getOrder } from '../../app/api/create-order.ts';
import { withIdempotency } from '../../app/api/idempotency.ts';
import { errors, IdParam, json, Security } from '../contract/common.ts';
import { IdempotencyHeaders, Order, OrderCreate } from '../contract/orders.ts';
import type { ApiDeps, ApiEnv } from '../env.ts';
import { presentOrder } from '../present.ts';

const tags = ['orders'];

const create = createRoute({
  method: 'post',
  path: '/api/orders',
  tags,
  security: Security,
  summary: 'Record an order (receipt, visit, online order); send an Idempotency-Key to retry safely',
  request: {
    headers: IdempotencyHeaders,
    body: { required: true, content: { 'application/json': { schema: OrderCreate } } },
  },
  responses: {
    201: json(Order, 'Created'),
    200: json(Order, 'An order with this external id already existed; returned unchanged'),
    ...errors(400, 409, 422),
  },
});

const read = createRoute({
  method: 'get',
  path: '/api/orders/{id}',
  tags,
  security: Security,
  summary: 'One order with its lines',
  request: { params: IdParam },
  responses: { 200: json(Order, 'The order'), ...errors(404) },
});

const cancel = createRoute({
  method: 'post',
  path: '/api/orders/{id}/cancel',
  tags,
  security: Security,
  summary: 'Cancel an order (kept and shown, no longer a purchase)',
  request: { params: IdParam },
  responses: { 200: json(Order, 'Cancelled'), ...errors(404, 409) },
});

const refund = createRoute({
  method: 'post',
  path: '/api/orders/{id}/refund',
  tags,
  security: Security,
  summary: 'Refund an order (kept and shown, no longer a purchase)',
  request: { params: IdParam },
  responses: { 200: json(Order, 'Refunded'), ...errors(404, 409) },
});

export function registerOrderRoutes(app: OpenAPIHono<ApiEnv>, deps: ApiDeps): void {
  const { db } = deps;

  app.openapi(create, async (c) => {
    const principal = c.get('principal');
    const body = c.req.valid('json');
    const key = c.req.valid('header')['idempotency-key'] ?? null;
    const res = await withIdempotency(
      db,
      principal.workspaceId,
      { key, operation: 'POST /api/orders', body },
      async () => {
        const r = await createOrder(
          db,
          principal,
          {
            externalId: body.external_id,
            customer: body.customer
              ? {
                  id: body.customer.id,
                  externalId: body.customer.external_id,
                  phone: body.customer.phone,
                  email: body.customer.email,
                  name: body.customer.name,
                }
              : null,
            orderedAt: body.ordered_at,
            amount: body.amount,
            ...(body.status ? { status: body.status } : {}),
            ...(body.lines ? { lines: body.lines } : {}),
          },
          { idempotencyKey: key },
        );
        return { status: r.created ? 201 : 200, body: presentOrder(r.order, r.currency) };
      },
    );
    if (res.replayed) c.header('Idempotent-Replayed', 'true');
    const out = res.body as ReturnType<typeof presentOrder>;
    if (res.status === 201) {
      c.header('Location', `/api/orders/${out.id}`);
      return c.json(out, 201);
    }
    return c.json(out, 200);
  });

  app.openapi(read, async (c) => {
    const { id } = c.req.valid('param');
    const r = await getOrder(db, c.get('principal'), id);
    return c.json(presentOrder(r.order, r.currency), 200);
  });

  app.openapi(cancel, async (c) => {
    const { id } = c.req.valid('param');
    const r = await setOrderStatus(db, c.get('principal'), id, 'cancelled');
    return c.json(presentOrder(r.order, r.currency), 200);
  });

  app.openapi(refund, async (c) => {
    const { id } = c.req.valid('param');
    const r = await setOrderStatus(db, c.get('principal'), id, 'refunded');
    return c.json(presentOrder(r.order, r.currency), 200);
  });
}
