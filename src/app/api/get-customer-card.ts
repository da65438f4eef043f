/**
 * The customer card: profile, identifiers, status with its history, R/F/M and segment,
 * cycle and next due day, manager, the stored prediction and next-service recommendations
 * (as the last refit left them), and the timeline (orders with lines, status changes, events),
 * newest first.
 */
import { AppError } from '../../core/errors.ts';
import type { Database } from '../../storage/connect.ts';
import {
  type CustomerRecord,
  customerDoneTasks,
  customerEvents,
  customerNotes,
  customerOrders,
  customerStatusHistory,
  findCustomer,
  type OrderRecord,
  type StatusChangeRecord,
  type TimelineEvent,
  type TimelineNote,
  type TimelineTask,
} from '../../storage/queries/customer-card.ts';
import { type IdentifierRow, identifiersOf } from '../../storage/queries/identifiers.ts';
import { workspaceContext } from './context.ts';
import { type CardPrediction, cardPrediction } from './predictions.ts';
import { type Principal, requirePermission, visibleManager } from './principal.ts';

/** Timeline length cap per kind; the card says when it was reached. */
export const TIMELINE_LIMIT = 500;

export type TimelineItem =
  | { type: 'order'; at: string; order: OrderRecord }
  | { type: 'status_change'; at: string; change: StatusChangeRecord }
  | { type: 'event'; at: string; event: TimelineEvent }
  | { type: 'note'; at: string; note: TimelineNote }
  | { type: 'task'; at: string; task: TimelineTask };

export interface CustomerCard {
  customer: CustomerRecord;
  identifiers: IdentifierRow[];
  statusHistory: StatusChangeRecord[];
  timeline: TimelineItem[];
  timelineTruncated: boolean;
  currency: string;
  /** null prediction: no purchases yet, or no refit has run. */
  predictions: CardPrediction;
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
  // Visibility settled, the rest are independent reads: on PostgreSQL they run on several pool
  // connections at once (the card waits for the slowest, not for the sum); PGlite queues them.
  const [{ settings }, identifiers, statusHistory, orders, events, notes, doneTasks, predictions] =
    await Promise.all([
      workspaceContext(db, ws),
      identifiersOf(db, ws, [id]),
      customerStatusHistory(db, ws, id),
      customerOrders(db, ws, id, TIMELINE_LIMIT + 1),
      customerEvents(db, ws, id, TIMELINE_LIMIT + 1),
      customerNotes(db, ws, id, TIMELINE_LIMIT + 1),
      customerDoneTasks(db, ws, id, TIMELINE_LIMIT + 1),
      cardPrediction(db, ws, id),
    ]);
  const truncated = [orders, events, notes, doneTasks].some((l) => l.length > TIMELINE_LIMIT);
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
    ...notes.slice(0, TIMELINE_LIMIT).map((note) => ({ type: 'note' as const, at: note.createdAt, note })),
    ...doneTasks.slice(0, TIMELINE_LIMIT).map((task) => ({ type: 'task' as const, at: task.doneAt, task })),
  ];
  timeline.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
  return {
    customer,
    identifiers,
    statusHistory,
    timeline,
    timelineTruncated: truncated,
    currency: settings.currency,
    predictions,
  };
}
