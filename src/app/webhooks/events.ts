/**
 * What we tell webhook receivers, written to the outbox in the transaction of the change
 * itself: a change that rolls back leaves no event, and a committed one always has its event.
 *
 * - `order.created`: an order that came in one at a time (API, integration). Orders loaded by a
 *   file import are history, not news: they emit nothing.
 * - `order.cancelled` / `order.refunded`: an order's status changed to that.
 * - `status.changed`: customers' lifecycle statuses moved. One event lists every change made by
 *   one write (`data.changes`), at most STATUS_CHANGES_PER_EVENT per event: an order moves one
 *   customer (one event, one or two entries), while an import or the daily recompute that moves
 *   thousands sends a few events of up to 500 changes each instead of thousands of requests.
 *   Receivers always read the same shape.
 */
import { randomUUID } from 'node:crypto';
import type { Sql } from '../../storage/connect.ts';
import { anySubscribed, enqueueEvents, ordersForEvents } from '../../storage/queries/webhooks.ts';

export const WEBHOOK_EVENTS = [
  'order.created',
  'order.cancelled',
  'order.refunded',
  'status.changed',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENTS)[number];
/** Sent only by "test delivery", to one endpoint. */
export const TEST_EVENT = 'webhook.test';

/** Tries per delivery: 1 + retries after 1, 2, 4, 8, 16, 32, 64 minutes (about 2 hours in all). */
export const MAX_ATTEMPTS = 8;
export const STATUS_CHANGES_PER_EVENT = 500;
const EVENTS_PER_STATEMENT = 20;

function money(decimal: string, currency: string) {
  const [int = '0', frac = ''] = decimal.replace(/^-/, '').split('.');
  return {
    amount: `${decimal.startsWith('-') ? '-' : ''}${int}.${frac.padEnd(2, '0').slice(0, 2)}`,
    currency,
  };
}

type OrderRow = Awaited<ReturnType<typeof ordersForEvents>>[number];

function orderData(o: OrderRow, currency: string) {
  return {
    order: {
      id: o.id,
      external_id: o.externalId,
      customer_id: o.customerId,
      ordered_at: o.orderedAt,
      ordered_on: o.orderedOn,
      amount: money(o.amount, currency),
      status: o.status,
    },
  };
}

/**
 * Call before writing orders (in the writing transaction) with their order keys; call `emit`
 * after the write, in the same transaction: the orders that exist now and did not before
 * were created by this write and get one `order.created` each. Costs one query when no
 * endpoint listens.
 */
export async function watchOrderCreation(
  sql: Sql,
  workspaceId: number,
  keys: string[],
  currency: string,
): Promise<{ emit(): Promise<void> }> {
  const listening = keys.length > 0 && (await anySubscribed(sql, workspaceId, ['order.created']));
  if (!listening) return { emit: async () => undefined };
  const before = new Set((await ordersForEvents(sql, workspaceId, { keys })).map((o) => o.orderKey));
  return {
    async emit() {
      const created = (await ordersForEvents(sql, workspaceId, { keys })).filter(
        (o) => !before.has(o.orderKey),
      );
      await enqueueEvents(
        sql,
        workspaceId,
        created.map((o) => ({ eventKey: randomUUID(), type: 'order.created', data: orderData(o, currency) })),
        MAX_ATTEMPTS,
      );
    },
  };
}

/** `order.cancelled` / `order.refunded` for an order whose status just changed (same transaction). */
export async function emitOrderStatus(
  sql: Sql,
  workspaceId: number,
  orderId: number,
  status: string,
  currency: string,
): Promise<void> {
  const type = status === 'cancelled' ? 'order.cancelled' : status === 'refunded' ? 'order.refunded' : null;
  if (type === null || !(await anySubscribed(sql, workspaceId, [type]))) return;
  const orders = await ordersForEvents(sql, workspaceId, { ids: [orderId] });
  await enqueueEvents(
    sql,
    workspaceId,
    orders.map((o) => ({ eventKey: randomUUID(), type, data: orderData(o, currency) })),
    MAX_ATTEMPTS,
  );
}

export interface StatusChangeEvent {
  customerId: number;
  from: string | null;
  to: string;
  on: string;
  reason: string;
}

/** `status.changed` for the changes one write made (same transaction), in events of at most 500. */
export async function emitStatusChanges(
  sql: Sql,
  workspaceId: number,
  changes: readonly StatusChangeEvent[],
): Promise<void> {
  if (changes.length === 0 || !(await anySubscribed(sql, workspaceId, ['status.changed']))) return;
  const events = [];
  for (let i = 0; i < changes.length; i += STATUS_CHANGES_PER_EVENT) {
    const part = changes.slice(i, i + STATUS_CHANGES_PER_EVENT);
    events.push({
      eventKey: randomUUID(),
      type: 'status.changed',
      data: {
        count: part.length,
        changes: part.map((c) => ({
          customer_id: c.customerId,
          from: c.from,
          to: c.to,
          on: c.on,
          reason: c.reason,
        })),
      },
    });
  }
  // A recompute of a million customers makes thousands of events: a few dozen per statement
  // keeps each statement's parameters small.
  for (let i = 0; i < events.length; i += EVENTS_PER_STATEMENT)
    await enqueueEvents(sql, workspaceId, events.slice(i, i + EVENTS_PER_STATEMENT), MAX_ATTEMPTS);
}
