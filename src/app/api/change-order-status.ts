/** Cancelling or refunding an order; its customer is re-evaluated in the same transaction. */
import { AppError } from '../../core/errors.ts';
import type { OrderStatus } from '../../core/types.ts';
import type { Database } from '../../storage/connect.ts';
import { findOrder } from '../../storage/queries/customer-card.ts';
import { changeOrderStatus } from '../orders/record-orders.ts';
import { workspaceContext } from './context.ts';
import type { CreatedOrder } from './create-order.ts';
import { type Principal, requirePermission, visibleManager } from './principal.ts';

export async function setOrderStatus(
  db: Database,
  principal: Principal,
  id: number,
  status: Exclude<OrderStatus, 'completed'>,
): Promise<CreatedOrder> {
  requirePermission(principal, 'orders:write');
  const ws = principal.workspaceId;
  const found = await findOrder(db, ws, id, visibleManager(principal));
  if (!found) throw new AppError('not_found', `no order ${id}`);
  if (found.status === 'refunded' && status === 'cancelled') {
    throw new AppError('conflict', `order ${id} was refunded; it cannot be cancelled`);
  }
  const { settings, today } = await workspaceContext(db, ws);
  if (found.status !== status) await changeOrderStatus(db, ws, id, status, { settings, asOf: today });
  const order = await findOrder(db, ws, id, null);
  return { order: order!, created: false, currency: settings.currency };
}
