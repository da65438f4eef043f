/**
 * Orders that arrive one at a time or in small batches (an integration, the API, a test):
 * the same path as an import chunk — identity resolution, catalog, order identity, and the
 * customers' aggregates updated in the same transaction. Re-sending an order with the same
 * external id adds nothing.
 */
import type { Day } from '../../core/day.ts';
import { AppError } from '../../core/errors.ts';
import { utcToZonedDay } from '../../core/import/values.ts';
import type { Settings } from '../../core/settings.ts';
import type { Cents, OrderStatus } from '../../core/types.ts';
import type { Database } from '../../storage/connect.ts';
import { newCounters } from '../../storage/queries/import-batches.ts';
import { findOrderCustomer, setOrderStatus } from '../../storage/queries/orders.ts';
import { snapshotCustomers, updateCustomers } from '../analytics/customer-aggregates.ts';
import { ChunkWriter } from '../import/chunk-writer.ts';
import { emitOrderStatus, watchOrderCreation } from '../webhooks/events.ts';
import { assembledOrder } from './assembled-order.ts';

export interface OrderInput {
  externalId: string;
  customer: {
    externalId?: string | null;
    phone?: string | null;
    email?: string | null;
    name?: string | null;
  };
  /** Epoch ms. */
  at: number;
  amountCents: Cents;
  status?: OrderStatus;
  lines?: { item: string; category?: string | null; quantity?: number; amountCents: Cents }[];
}

export interface RecordResult {
  created: number;
  skipped: number;
}

export async function recordOrders(
  db: Database,
  workspaceId: number,
  inputs: OrderInput[],
  ctx: { settings: Settings; asOf: Day },
): Promise<RecordResult> {
  const counters = newCounters();
  const orders = inputs.map((o, i) =>
    assembledOrder({
      externalId: o.externalId,
      customer: {
        externalId: o.customer.externalId ?? null,
        phone: o.customer.phone ?? null,
        email: o.customer.email ?? null,
        name: o.customer.name ?? null,
      },
      at: o.at,
      day: utcToZonedDay(o.at, ctx.settings.timezone),
      status: o.status ?? 'completed',
      totalCents: o.amountCents,
      lines: o.lines ?? [],
      position: i + 1,
    }),
  );
  // One transaction for the orders and their `order.created` webhook events (the outbox).
  const created = await db.transaction(async (tx) => {
    const watch = await watchOrderCreation(
      tx,
      workspaceId,
      orders.map((o) => o.key),
      ctx.settings.currency,
    );
    const writer = new ChunkWriter(db, tx, 'single', workspaceId, null, counters, ctx.settings, ctx.asOf);
    await writer.writeOrders(orders, [], 0, orders.length);
    await watch.emit();
    return writer.ordersCreated;
  });
  return { created, skipped: counters.skipped };
}

/** Cancel or refund (or restore) an order; its customer is re-evaluated in the same transaction. */
export async function changeOrderStatus(
  db: Database,
  workspaceId: number,
  orderId: number,
  status: OrderStatus,
  ctx: { settings: Settings; asOf: Day },
): Promise<void> {
  await db.transaction(async (tx) => {
    const found = await findOrderCustomer(tx, workspaceId, orderId);
    if (!found) throw new AppError('not_found', `no order ${orderId}`);
    const before = await snapshotCustomers(
      tx,
      workspaceId,
      found.customerId === null ? [] : [found.customerId],
    );
    await setOrderStatus(tx, workspaceId, orderId, status);
    await updateCustomers(tx, workspaceId, before, ctx.asOf, ctx.settings);
    await emitOrderStatus(tx, workspaceId, orderId, status, ctx.settings.currency);
  });
}
