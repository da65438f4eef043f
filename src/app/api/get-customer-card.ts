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
  findCustomer,
  loadCustomerCard,
  type OrderRecord,
  type StatusChangeRecord,
  type TimelineEvent,
  type TimelineNote,
  type TimelineTask,
} from '../../storage/queries/customer-card.ts';
import type { IdentifierRow } from '../../storage/queries/identifiers.ts';
import { getSettings } from '../workspace.ts';
import type { CardPrediction } from './predictions.ts';
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
  return live(id, await findCustomer(db, principal.workspaceId, id, visibleManager(principal)));
}

/** `c` when it exists (as far as the caller may know) and was not merged away, else `not_found`. */
function live<T extends { mergedInto: number | null }>(id: number, c: T | null): T {
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
  // The settings are kept (a round trip only every few seconds): read beside the card, not after it.
  const [data, settings] = await Promise.all([
    loadCustomerCard(db, principal.workspaceId, id, visibleManager(principal), TIMELINE_LIMIT + 1),
    getSettings(db, principal.workspaceId),
  ]);
  // live() throws unless there is a (visible, unmerged) customer, so `data` is there below.
  const customer = live(id, data?.customer ?? null);
  const {
    identifiers,
    statusHistory,
    orders,
    events,
    notes,
    doneTasks,
    prediction,
    recommendations,
    fitReason,
  } = data!;
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
  // The fit's reason explains a 'rules' prediction, or a model one without CLV (spend model unused).
  const explain = prediction !== null && (prediction.source === 'rules' || prediction.predictedClv === null);
  return {
    customer,
    identifiers: identifiers.map((i) => ({ ...i, customerId: id })),
    statusHistory,
    timeline,
    timelineTruncated: truncated,
    currency: settings.currency,
    predictions: {
      prediction: prediction && { ...prediction, fallbackReason: explain ? fitReason : null },
      recommendations,
    },
  };
}
