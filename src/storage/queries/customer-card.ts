/** Reads for one customer's card and for single orders. */
import type { Sql } from '../connect.ts';
import { ofCustomerOrMerged } from './notes.ts';

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
    `SELECT c.id, c.name, c.birthday, c.gender, c.need, c.source, c.preferred_channel, c.manager_id,
            s.name AS manager_name, c.tags, c.custom, c.merged_into, c.first_purchase_on, c.last_purchase_on,
            c.purchase_days, c.purchases, c.revenue::text AS revenue, c.own_cycle_days::float8 AS own_cycle_days,
            c.cycle_days::float8 AS cycle_days, c.next_expected_on, c.status, c.status_since, c.manual_status,
            c.recency_days, c.r_score, c.f_score, c.m_score, c.rfm_segment, c.cvm_stage, c.aggregates_as_of,
            c.created_at, c.updated_at
       FROM customers c
       LEFT JOIN staff s ON s.workspace_id = c.workspace_id AND s.id = c.manager_id
      WHERE c.workspace_id = $1 AND c.id = $2 ${scope}`,
    params,
  );
  const r = rows[0];
  if (!r) return null;
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
    createdAt: new Date(r.created_at as string).toISOString(),
    updatedAt: new Date(r.updated_at as string).toISOString(),
  };
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

type OrderRaw = {
  id: number;
  external_id: string | null;
  customer_id: number | null;
  ordered_at: Date | string;
  ordered_on: string;
  amount: string;
  status: string;
  channel: string | null;
  source: string | null;
  staff: string | null;
  branch: string | null;
};

async function ordersWhere(sql: Sql, workspaceId: number, where: string, params: unknown[], tail: string) {
  const rows = await sql.query<OrderRaw>(
    `SELECT o.id, o.external_id, o.customer_id, o.ordered_at, o.ordered_on, o.amount::text AS amount, o.status,
            o.channel, o.source, s.name AS staff, b.name AS branch
       FROM orders o
       LEFT JOIN staff s ON s.workspace_id = o.workspace_id AND s.id = o.staff_id
       LEFT JOIN branches b ON b.workspace_id = o.workspace_id AND b.id = o.branch_id
      WHERE o.workspace_id = $1 AND ${where} ${tail}`,
    [workspaceId, ...params],
  );
  const ids = rows.map((r) => r.id);
  const lines = ids.length
    ? await sql.query<{
        order_id: number;
        line_no: number;
        item: string | null;
        category: string | null;
        quantity: string;
        amount: string;
        staff: string | null;
      }>(
        `SELECT l.order_id, l.line_no, l.item, k.name AS category, l.quantity::text AS quantity,
                l.amount::text AS amount, s.name AS staff
           FROM order_lines l
           LEFT JOIN categories k ON k.workspace_id = l.workspace_id AND k.id = l.category_id
           LEFT JOIN staff s ON s.workspace_id = l.workspace_id AND s.id = l.staff_id
          WHERE l.workspace_id = $1 AND l.order_id = ANY($2::bigint[])
          ORDER BY l.order_id, l.line_no`,
        [workspaceId, ids],
      )
    : [];
  const byOrder = new Map<number, OrderLineRecord[]>();
  for (const l of lines) {
    const list = byOrder.get(l.order_id) ?? [];
    list.push({
      lineNo: l.line_no,
      item: l.item,
      category: l.category,
      quantity: l.quantity,
      amount: l.amount,
      staff: l.staff,
    });
    byOrder.set(l.order_id, list);
  }
  return rows.map(
    (r): OrderRecord => ({
      id: r.id,
      externalId: r.external_id,
      customerId: r.customer_id,
      orderedAt: new Date(r.ordered_at).toISOString(),
      orderedOn: r.ordered_on,
      amount: r.amount,
      status: r.status,
      channel: r.channel,
      source: r.source,
      staff: r.staff,
      branch: r.branch,
      lines: byOrder.get(r.id) ?? [],
    }),
  );
}

/** A customer's orders, newest first, with their lines. */
export async function customerOrders(
  sql: Sql,
  workspaceId: number,
  customerId: number,
  limit: number,
): Promise<OrderRecord[]> {
  return ordersWhere(
    sql,
    workspaceId,
    'o.customer_id = $2',
    [customerId],
    `ORDER BY o.ordered_at DESC, o.id DESC LIMIT ${limit}`,
  );
}

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
  const rows = await ordersWhere(sql, workspaceId, `o.id = $2 ${scope}`, params.slice(1), '');
  return rows[0] ?? null;
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

/** The customer's timeline events, newest first. */
export async function customerEvents(
  sql: Sql,
  workspaceId: number,
  customerId: number,
  limit: number,
): Promise<TimelineEvent[]> {
  const rows = await sql.query<{
    id: number;
    type: string;
    occurred_at: Date | string;
    data: Record<string, unknown>;
  }>(
    `SELECT id, type, occurred_at, data FROM events WHERE workspace_id = $1 AND customer_id = $2
      ORDER BY occurred_at DESC, id DESC LIMIT ${limit}`,
    [workspaceId, customerId],
  );
  return rows.map((r) => ({
    id: r.id,
    type: r.type,
    occurredAt: new Date(r.occurred_at).toISOString(),
    data: r.data,
  }));
}

export interface StatusChangeRecord {
  from: string | null;
  to: string;
  on: string;
  reason: string;
  at: string;
}

export async function customerStatusHistory(
  sql: Sql,
  workspaceId: number,
  customerId: number,
): Promise<StatusChangeRecord[]> {
  const rows = await sql.query<{
    from_status: string | null;
    to_status: string;
    changed_on: string;
    reason: string;
    created_at: Date | string;
  }>(
    `SELECT from_status, to_status, changed_on, reason, created_at FROM status_history
      WHERE workspace_id = $1 AND customer_id = $2 ORDER BY changed_on DESC, id DESC`,
    [workspaceId, customerId],
  );
  return rows.map((r) => ({
    from: r.from_status,
    to: r.to_status,
    on: r.changed_on,
    reason: r.reason,
    at: new Date(r.created_at).toISOString(),
  }));
}

export interface TimelineNote {
  id: number;
  body: string;
  authorName: string;
  createdAt: string;
  editedAt: string | null;
}

/** The customer's live notes for the timeline, newest first. */
export async function customerNotes(
  sql: Sql,
  workspaceId: number,
  customerId: number,
  limit: number,
): Promise<TimelineNote[]> {
  const rows = await sql.query<{
    id: number;
    body: string;
    author_name: string;
    created_at: Date | string;
    edited_at: Date | string | null;
  }>(
    `SELECT id, body, author_name, created_at, edited_at FROM customer_notes
      WHERE workspace_id = $1 AND ${ofCustomerOrMerged('customer_id', '$2')} AND deleted_at IS NULL
      ORDER BY created_at DESC, id DESC LIMIT ${limit}`,
    [workspaceId, customerId],
  );
  return rows.map((r) => ({
    id: r.id,
    body: r.body,
    authorName: r.author_name,
    createdAt: new Date(r.created_at).toISOString(),
    editedAt: r.edited_at === null ? null : new Date(r.edited_at).toISOString(),
  }));
}

export interface TimelineTask {
  id: number;
  title: string;
  doneAt: string;
  doneBy: string | null;
}

/** The customer's done tasks for the timeline (at the moment they were done), newest first. */
export async function customerDoneTasks(
  sql: Sql,
  workspaceId: number,
  customerId: number,
  limit: number,
): Promise<TimelineTask[]> {
  const rows = await sql.query<{
    id: number;
    title: string;
    done_at: Date | string;
    done_by_name: string | null;
  }>(
    `SELECT id, title, done_at, done_by_name FROM customer_tasks
      WHERE workspace_id = $1 AND ${ofCustomerOrMerged('customer_id', '$2')} AND deleted_at IS NULL
        AND done_at IS NOT NULL
      ORDER BY done_at DESC, id DESC LIMIT ${limit}`,
    [workspaceId, customerId],
  );
  return rows.map((r) => ({
    id: r.id,
    title: r.title,
    doneAt: new Date(r.done_at).toISOString(),
    doneBy: r.done_by_name,
  }));
}
