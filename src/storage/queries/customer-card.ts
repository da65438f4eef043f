/** Reads for one customer's card and for single orders. */

import type { IdentifierKind } from '../../core/types.ts';
import type { Sql } from '../connect.ts';
import { ofCustomerOrMerged } from './notes.ts';
import {
  PREDICTION_COLUMNS,
  type PredictionRow,
  type RawPrediction,
  type RawRecommendation,
  RECOMMENDATION_COLUMNS,
  type RecommendationRow,
  toPrediction,
  toRecommendation,
} from './predictions.ts';

export interface CustomerRecord {
  id: number;
  name: string | null;
  birthday: string | null;
  gender: string | null;
  need: string | null;
  source: string | null;
  preferredChannel: string | null;
  managerId: number | null;
  managerName: string | null;
  tags: string[];
  custom: Record<string, unknown>;
  mergedInto: number | null;
  firstPurchaseOn: string | null;
  lastPurchaseOn: string | null;
  purchaseDays: number;
  purchases: number;
  revenue: string;
  ownCycleDays: number | null;
  cycleDays: number | null;
  nextExpectedOn: string | null;
  status: string;
  statusSince: string | null;
  manualStatus: string | null;
  recencyDays: number | null;
  rScore: number | null;
  fScore: number | null;
  mScore: number | null;
  rfmSegment: string | null;
  cvmStage: string | null;
  aggregatesAsOf: string | null;
  createdAt: string;
  updatedAt: string;
}

/**
 * The manager filter of the card's reads, in one place: `AND <customer id column> is one of
 * the manager's customers`, appending the parameter; '' for unrestricted callers. (The
 * customer and the order reads used to spell it out each their own way.) `params` must
 * start with the workspace id, as $1.
 */
function visibleTo(customerIdColumn: string, params: unknown[], visibleManager: number | null): string {
  if (visibleManager === null) return '';
  params.push(visibleManager);
  return `AND EXISTS (SELECT 1 FROM customers vm WHERE vm.workspace_id = $1 AND vm.id = ${customerIdColumn}
                 AND vm.manager_id = $${params.length})`;
}

/** The customer columns the card and `findCustomer` read (snake_case, as `toCustomer` maps them). */
const CUSTOMER_COLUMNS = `c.id, c.name, c.birthday, c.gender, c.need, c.source, c.preferred_channel, c.manager_id,
            s.name AS manager_name, c.tags, c.custom, c.merged_into, c.first_purchase_on, c.last_purchase_on,
            c.purchase_days, c.purchases, c.revenue::text AS revenue, c.own_cycle_days::float8 AS own_cycle_days,
            c.cycle_days::float8 AS cycle_days, c.next_expected_on, c.status, c.status_since, c.manual_status,
            c.recency_days, c.r_score, c.f_score, c.m_score, c.rfm_segment, c.cvm_stage, c.aggregates_as_of,
            c.created_at, c.updated_at
       FROM customers c
       LEFT JOIN staff s ON s.workspace_id = c.workspace_id AND s.id = c.manager_id`;

/** A customer row, from the driver or from JSON (timestamps arrive as Date or as text). */
function toCustomer(r: Record<string, unknown>): CustomerRecord {
  return {
    id: r.id as number,
    name: r.name as string | null,
    birthday: r.birthday as string | null,
    gender: r.gender as string | null,
    need: r.need as string | null,
    source: r.source as string | null,
    preferredChannel: r.preferred_channel as string | null,
    managerId: r.manager_id as number | null,
    managerName: r.manager_name as string | null,
    tags: r.tags as string[],
    custom: r.custom as Record<string, unknown>,
    mergedInto: r.merged_into as number | null,
    firstPurchaseOn: r.first_purchase_on as string | null,
    lastPurchaseOn: r.last_purchase_on as string | null,
    purchaseDays: r.purchase_days as number,
    purchases: r.purchases as number,
    revenue: r.revenue as string,
    ownCycleDays: r.own_cycle_days as number | null,
    cycleDays: r.cycle_days as number | null,
    nextExpectedOn: r.next_expected_on as string | null,
    status: r.status as string,
    statusSince: r.status_since as string | null,
    manualStatus: r.manual_status as string | null,
    recencyDays: r.recency_days as number | null,
    rScore: r.r_score as number | null,
    fScore: r.f_score as number | null,
    mScore: r.m_score as number | null,
    rfmSegment: r.rfm_segment as string | null,
    cvmStage: r.cvm_stage as string | null,
    aggregatesAsOf: r.aggregates_as_of as string | null,
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
  };
}

const iso = (v: unknown): string => new Date(v as string | Date).toISOString();

/**
 * One customer, merged ones included (the caller decides what a merged id means), or null
 * when there is no such customer or it is not visible to `visibleManager`.
 */
export async function findCustomer(
  sql: Sql,
  workspaceId: number,
  id: number,
  visibleManager: number | null,
): Promise<CustomerRecord | null> {
  const params: unknown[] = [workspaceId, id];
  const scope = visibleTo('c.id', params, visibleManager);
  const rows = await sql.query<Record<string, unknown>>(
    `SELECT ${CUSTOMER_COLUMNS} WHERE c.workspace_id = $1 AND c.id = $2 ${scope}`,
    params,
  );
  return rows[0] ? toCustomer(rows[0]) : null;
}

export interface OrderLineRecord {
  lineNo: number;
  item: string | null;
  category: string | null;
  quantity: string;
  amount: string;
  staff: string | null;
}

export interface OrderRecord {
  id: number;
  externalId: string | null;
  customerId: number | null;
  orderedAt: string;
  orderedOn: string;
  amount: string;
  status: string;
  channel: string | null;
  source: string | null;
  staff: string | null;
  branch: string | null;
  lines: OrderLineRecord[];
}

/**
 * One order `o` as JSON with its staff, branch and lines, in one expression: the card reads up
 * to 501 of them inside its single statement, `findOrder` reads one.
 */
const ORDER_JSON = `json_build_object(
    'id', o.id, 'external_id', o.external_id, 'customer_id', o.customer_id, 'ordered_at', o.ordered_at,
    'ordered_on', o.ordered_on, 'amount', o.amount::text, 'status', o.status, 'channel', o.channel,
    'source', o.source,
    'staff', (SELECT s.name FROM staff s WHERE s.workspace_id = o.workspace_id AND s.id = o.staff_id),
    'branch', (SELECT b.name FROM branches b WHERE b.workspace_id = o.workspace_id AND b.id = o.branch_id),
    'lines', (SELECT coalesce(json_agg(json_build_object(
                 'lineNo', l.line_no, 'item', l.item, 'category', k.name, 'quantity', l.quantity::text,
                 'amount', l.amount::text, 'staff', ls.name) ORDER BY l.line_no), '[]'::json)
                FROM order_lines l
                LEFT JOIN categories k ON k.workspace_id = l.workspace_id AND k.id = l.category_id
                LEFT JOIN staff ls ON ls.workspace_id = l.workspace_id AND ls.id = l.staff_id
               WHERE l.workspace_id = o.workspace_id AND l.order_id = o.id))`;

type OrderJson = {
  id: number;
  external_id: string | null;
  customer_id: number | null;
  ordered_at: string;
  ordered_on: string;
  amount: string;
  status: string;
  channel: string | null;
  source: string | null;
  staff: string | null;
  branch: string | null;
  lines: OrderLineRecord[];
};

const toOrder = (r: OrderJson): OrderRecord => ({
  id: r.id,
  externalId: r.external_id,
  customerId: r.customer_id,
  orderedAt: iso(r.ordered_at),
  orderedOn: r.ordered_on,
  amount: r.amount,
  status: r.status,
  channel: r.channel,
  source: r.source,
  staff: r.staff,
  branch: r.branch,
  lines: r.lines,
});

/**
 * One order, or null when missing or (for a manager) its customer is not theirs. An order
 * without a customer is visible only to unrestricted callers.
 */
export async function findOrder(
  sql: Sql,
  workspaceId: number,
  orderId: number,
  visibleManager: number | null,
): Promise<OrderRecord | null> {
  const params: unknown[] = [workspaceId, orderId];
  const scope = visibleTo('o.customer_id', params, visibleManager);
  const rows = await sql.query<{ o: OrderJson }>(
    `SELECT ${ORDER_JSON} AS o FROM orders o WHERE o.workspace_id = $1 AND o.id = $2 ${scope}`,
    params,
  );
  return rows[0] ? toOrder(rows[0].o) : null;
}

export async function findOrderIdByKey(
  sql: Sql,
  workspaceId: number,
  orderKey: string,
): Promise<number | null> {
  const rows = await sql.query<{ id: number }>(
    'SELECT id FROM orders WHERE workspace_id = $1 AND order_key = $2',
    [workspaceId, orderKey],
  );
  return rows[0]?.id ?? null;
}

export interface TimelineEvent {
  id: number;
  type: string;
  occurredAt: string;
  data: Record<string, unknown>;
}

export interface StatusChangeRecord {
  from: string | null;
  to: string;
  on: string;
  reason: string;
  at: string;
}

export interface TimelineNote {
  id: number;
  body: string;
  authorName: string;
  createdAt: string;
  editedAt: string | null;
}

export interface TimelineTask {
  id: number;
  title: string;
  doneAt: string;
  doneBy: string | null;
}

/** Everything the card shows, as stored; the app layer assembles the timeline. */
export interface CustomerCardData {
  customer: CustomerRecord;
  identifiers: { kind: IdentifierKind; value: string }[];
  /** Newest first. */
  statusHistory: StatusChangeRecord[];
  /** Each newest first, up to `limit` rows. */
  orders: OrderRecord[];
  events: TimelineEvent[];
  /** Live notes and done tasks of the customer and of those merged into it. */
  notes: TimelineNote[];
  doneTasks: TimelineTask[];
  /** The stored prediction's row (see predictions.ts), null before any refit. */
  prediction: (PredictionRow & { asOf: string }) | null;
  recommendations: RecommendationRow[];
  /** Why the last fit fell back to rules, if it did (null also when there is no fit). */
  fitReason: string | null;
}

/**
 * The card's statement text for one variant (manager-scoped or not, timeline cap), built once:
 * the text is the prepared statement's key, looked up on every card.
 */
const cardTexts = new Map<string, string>();

function cardText(scope: string, limit: number): string {
  const key = `${limit}\u0000${scope}`;
  let text = cardTexts.get(key);
  if (text !== undefined) return text;
  const list = (from: string, order: string, row: string) =>
    `(SELECT coalesce(json_agg(t ORDER BY ${order}), '[]'::json) FROM (SELECT ${row} ${from} ORDER BY ${order} LIMIT ${limit}) t)`;
  text = `WITH c AS (SELECT ${CUSTOMER_COLUMNS} WHERE c.workspace_id = $1 AND c.id = $2 ${scope})
     SELECT row_to_json(c) AS customer, json_build_object(
       'identifiers', (SELECT coalesce(json_agg(json_build_object('kind', i.kind, 'value', i.value)
                                          ORDER BY i.kind, i.created_at, i.value), '[]'::json)
                         FROM customer_identifiers i WHERE i.workspace_id = $1 AND i.customer_id = $2),
       'status_history', (SELECT coalesce(json_agg(json_build_object('from', h.from_status, 'to', h.to_status,
                                   'on', h.changed_on, 'reason', h.reason, 'at', h.created_at)
                                   ORDER BY h.changed_on DESC, h.id DESC), '[]'::json)
                            FROM status_history h WHERE h.workspace_id = $1 AND h.customer_id = $2),
       'orders', ${list(
         'FROM orders o WHERE o.workspace_id = $1 AND o.customer_id = $2',
         'ordered_at DESC, id DESC',
         `o.ordered_at, o.id, ${ORDER_JSON} AS o`,
       )},
       'events', ${list(
         'FROM events e WHERE e.workspace_id = $1 AND e.customer_id = $2',
         'occurred_at DESC, id DESC',
         'e.id, e.type, e.occurred_at, e.data',
       )},
       'notes', ${list(
         `FROM customer_notes n WHERE n.workspace_id = $1 AND ${ofCustomerOrMerged('n.customer_id', '$2')}
             AND n.deleted_at IS NULL`,
         'created_at DESC, id DESC',
         'n.id, n.body, n.author_name, n.created_at, n.edited_at',
       )},
       'tasks', ${list(
         `FROM customer_tasks k WHERE k.workspace_id = $1 AND ${ofCustomerOrMerged('k.customer_id', '$2')}
             AND k.deleted_at IS NULL AND k.done_at IS NOT NULL`,
         'done_at DESC, id DESC',
         'k.id, k.title, k.done_at, k.done_by_name',
       )},
       'prediction', (SELECT row_to_json(p) FROM (SELECT ${PREDICTION_COLUMNS}, p.as_of::text AS as_of
                        FROM customer_predictions p WHERE p.workspace_id = $1 AND p.customer_id = $2) p),
       'recommendations', (SELECT coalesce(json_agg(r ORDER BY r.rank), '[]'::json)
                             FROM (SELECT ${RECOMMENDATION_COLUMNS} FROM customer_recommendations r
                                    WHERE r.workspace_id = $1 AND r.customer_id = $2) r),
       'fit_reason', (SELECT f.reason FROM model_fits f WHERE f.workspace_id = $1)
     ) AS parts
     FROM c`;
  cardTexts.set(key, text);
  return text;
}

/**
 * The whole card in one statement: the customer (null when missing or not visible to
 * `visibleManager`) and, beside it, its identifiers, status history, orders with lines, events,
 * notes, done tasks, stored prediction and recommendations. A card is the most frequent read; as
 * eleven statements it cost eleven round trips, parses and plans (at 1M customers and 10
 * requests in flight that, not the reads, set its latency). The workspace's settings are not
 * read here: the caller has them kept (queries/settings.ts).
 */
export async function loadCustomerCard(
  sql: Sql,
  workspaceId: number,
  id: number,
  visibleManager: number | null,
  limit: number,
): Promise<CustomerCardData | null> {
  const params: unknown[] = [workspaceId, id];
  const scope = visibleTo('c.id', params, visibleManager);
  const rows = await sql.query<{ customer: Record<string, unknown>; parts: Record<string, unknown> }>(
    cardText(scope, limit),
    params,
    // The most frequent read: kept prepared (it plans in ~1 ms, longer than it runs).
    { prepared: true },
  );
  const r = rows[0];
  if (!r) return null;
  const p = r.parts as {
    identifiers: { kind: IdentifierKind; value: string }[];
    status_history: { from: string | null; to: string; on: string; reason: string; at: string }[];
    orders: { o: OrderJson }[];
    events: { id: number; type: string; occurred_at: string; data: Record<string, unknown> }[];
    notes: { id: number; body: string; author_name: string; created_at: string; edited_at: string | null }[];
    tasks: { id: number; title: string; done_at: string; done_by_name: string | null }[];
    prediction: (RawPrediction & { as_of: string }) | null;
    recommendations: RawRecommendation[];
    fit_reason: string | null;
  };
  return {
    customer: toCustomer(r.customer),
    identifiers: p.identifiers,
    statusHistory: p.status_history.map((h) => ({ ...h, at: iso(h.at) })),
    orders: p.orders.map((x) => toOrder(x.o)),
    events: p.events.map((e) => ({ id: e.id, type: e.type, occurredAt: iso(e.occurred_at), data: e.data })),
    notes: p.notes.map((n) => ({
      id: n.id,
      body: n.body,
      authorName: n.author_name,
      createdAt: iso(n.created_at),
      editedAt: n.edited_at === null ? null : iso(n.edited_at),
    })),
    doneTasks: p.tasks.map((t) => ({
      id: t.id,
      title: t.title,
      doneAt: iso(t.done_at),
      doneBy: t.done_by_name,
    })),
    prediction: p.prediction && { ...toPrediction(p.prediction), asOf: p.prediction.as_of },
    recommendations: p.recommendations.map(toRecommendation),
    fitReason: p.fit_reason,
  };
}
