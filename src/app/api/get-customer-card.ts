/**
 * The customer card: profile, identifiers, status with its history, R/F/M and segment,
 * cycle and next due day, manager, and the timeline (orders with lines, status changes,
 * events), newest first.
 */
import { AppError } from '../../core/errors.ts';
import type { Database } from '../../storage/connect.ts';
import {
  type CustomerRecord,
  customerEvents,
  customerOrders,
  customerStatusHistory,
  findCustomer,
  type OrderRecord,
  type StatusChangeRecord,
  type TimelineEvent,
} from '../../storage/queries/customer-card.ts';
import { type IdentifierRow, identifiersOf } from '../../storage/queries/identifiers.ts';
import { workspaceContext } from './context.ts';
import { type Principal, requirePermission, visibleManager } from './principal.ts';

/** Timeline length cap per kind; the card says when it was reached. */
export const TIMELINE_LIMIT = 500;

export type TimelineItem =
  | { type: 'order'; at: string; order: OrderRecord }
  | { type: 'status_change'; at: string; change: StatusChangeRecord }
  | { type: 'event'; at: string; event: TimelineEvent };

export interface CustomerCard {
  customer: CustomerRecord;
  identifiers: IdentifierRow[];
  statusHistory: StatusChangeRecord[];
  timeline: TimelineItem[];
  timelineTruncated: boolean;
  currency: string;
}

/** The customer if the principal may see it, else `not_found` (a manager never learns it exists). */
export async function visibleCustomer(
  db: Database,
  principal: Principal,
  id: number,
): Promise<CustomerRecord> {
  const c = await findCustomer(db, principal.workspaceId, id, visibleManager(principal));
  if (!c) throw new AppError('not_found', `no customer ${id}`);
  if (c.mergedInto !== null) {
    throw new AppError('not_found', `customer ${id} was merged into ${c.mergedInto}`, {
      merged_into: c.mergedInto,
    });
  }
  return c;
}

export async function getCustomerCard(db: Database, principal: Principal, id: number): Promise<CustomerCard> {
  requirePermission(principal, 'customers:read');
  const ws = principal.workspaceId;
  const customer = await visibleCustomer(db, principal, id);
  const { settings } = await workspaceContext(db, ws);
  const identifiers = await identifiersOf(db, ws, [id]);
  const statusHistory = await customerStatusHistory(db, ws, id);
  const orders = await customerOrders(db, ws, id, TIMELINE_LIMIT + 1);
  const events = await customerEvents(db, ws, id, TIMELINE_LIMIT + 1);
  const truncated = orders.length > TIMELINE_LIMIT || events.length > TIMELINE_LIMIT;
  const timeline: TimelineItem[] = [
    ...orders
      .slice(0, TIMELINE_LIMIT)
      .map((order) => ({ type: 'order' as const, at: order.orderedAt, order })),
    // A change takes effect on its day; it sorts after that day's orders.
    ...statusHistory.map((change) => ({
      type: 'status_change' as const,
      at: `${change.on}T23:59:59.999Z`,
      change,
    })),
    ...events
      .slice(0, TIMELINE_LIMIT)
      .map((event) => ({ type: 'event' as const, at: event.occurredAt, event })),
  ];
  timeline.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
  return {
    customer,
    identifiers,
    statusHistory,
    timeline,
    timelineTruncated: truncated,
    currency: settings.currency,
  };
}
