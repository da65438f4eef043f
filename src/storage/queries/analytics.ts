/**
 * Reads and writes of the retention analytics: purchases as columns for the core, the
 * per-customer aggregates, status history, workspace stats and targets.
 */
import type { Sql } from '../connect.ts';
import { firstIdentifierSql } from './identifiers.ts';

export { loadPurchaseColumns, type PurchaseColumns } from './purchase-columns.ts';

/** Every customer id of the workspace (leads included, merged-away excluded). */
export async function loadCustomerIds(sql: Sql, workspaceId: number): Promise<number[]> {
  const rows = await sql.query<{ id: number }>(
    'SELECT id FROM customers WHERE workspace_id = $1 AND merged_into IS NULL ORDER BY id',
    [workspaceId],
  );
  return rows.map((r) => r.id);
}

export interface StoredStatus {
  id: number;
  status: string;
  manualStatus: string | null;
  manualAt: number | null;
  lastPurchaseOn: string | null;
}

export async function loadStatuses(
  sql: Sql,
  workspaceId: number,
  ids?: number[],
): Promise<Map<number, StoredStatus>> {
  const rows = await sql.query<{
    id: number;
    status: string;
    manual_status: string | null;
    manual_at: number | null;
    last_purchase_on: string | null;
  }>(
    `SELECT id, status, manual_status, (extract(epoch FROM manual_status_at) * 1000)::float8 AS manual_at, last_purchase_on
       FROM customers WHERE workspace_id = $1 AND merged_into IS NULL ${ids ? 'AND id = ANY($2::bigint[])' : ''}`,
    ids ? [workspaceId, ids] : [workspaceId],
  );
  return new Map(
    rows.map((r) => [
      r.id,
      {
        id: r.id,
        status: r.status,
        manualStatus: r.manual_status,
        manualAt: r.manual_at,
        lastPurchaseOn: r.last_purchase_on,
      },
    ]),
  );
}

export interface AggregateWrite {
  id: number;
  firstPurchaseOn: string | null;
  lastPurchaseOn: string | null;
  firstOrderId: number | null;
  purchaseDays: number;
  purchases: number;
  revenue: string;
  ownCycleDays: number | null;
  cycleDays: number | null;
  nextExpectedOn: string | null;
  status: string;
  /** Set when the status changed (the day it took effect); null keeps status_since. */
  statusSince: string | null;
  /** True when a manual status is no longer in force and must be cleared. */
  clearManual: boolean;
  recencyDays: number | null;
  rScore: number | null;
  fScore: number | null;
  mScore: number | null;
  rfmSegment: string | null;
  cvmStage: string | null;
  asOf: string;
}

const WRITE_CHUNK = 20_000;

/** Writes customers' aggregates (set-based, in slices so huge bases stay within limits). */
export async function writeAggregates(sql: Sql, workspaceId: number, rows: AggregateWrite[]): Promise<void> {
  for (let i = 0; i < rows.length; i += WRITE_CHUNK) {
    const s = rows.slice(i, i + WRITE_CHUNK);
    await sql.query(
      `UPDATE customers c SET
          first_purchase_on = t.first_on, last_purchase_on = t.last_on, first_order_id = t.first_order,
          purchase_days = t.days, purchases = t.n, revenue = t.revenue, own_cycle_days = t.own_cycle,
          cycle_days = t.cycle, next_expected_on = t.next_on, status = t.status,
          status_since = COALESCE(t.since, c.status_since),
          manual_status = CASE WHEN t.clear_manual THEN NULL ELSE c.manual_status END,
          manual_status_at = CASE WHEN t.clear_manual THEN NULL ELSE c.manual_status_at END,
          recency_days = t.recency, r_score = t.r, f_score = t.f, m_score = t.m, rfm_segment = t.segment,
          cvm_stage = t.cvm, aggregates_as_of = t.as_of, updated_at = now()
         FROM unnest($2::bigint[], $3::date[], $4::date[], $5::bigint[], $6::int[], $7::int[], $8::numeric[],
                     $9::numeric[], $10::numeric[], $11::date[], $12::text[], $13::date[], $14::bool[], $15::int[],
                     $16::smallint[], $17::smallint[], $18::smallint[], $19::text[], $20::text[], $21::date[])
           AS t(id, first_on, last_on, first_order, days, n, revenue, own_cycle, cycle, next_on, status, since,
                clear_manual, recency, r, f, m, segment, cvm, as_of)
        WHERE c.workspace_id = $1 AND c.id = t.id`,
      [
        workspaceId,
        s.map((r) => r.id),
        s.map((r) => r.firstPurchaseOn),
        s.map((r) => r.lastPurchaseOn),
        s.map((r) => r.firstOrderId),
        s.map((r) => r.purchaseDays),
        s.map((r) => r.purchases),
        s.map((r) => r.revenue),
        s.map((r) => r.ownCycleDays),
        s.map((r) => r.cycleDays),
        s.map((r) => r.nextExpectedOn),
        s.map((r) => r.status),
        s.map((r) => r.statusSince),
        s.map((r) => r.clearManual),
        s.map((r) => r.recencyDays),
        s.map((r) => r.rScore),
        s.map((r) => r.fScore),
        s.map((r) => r.mScore),
        s.map((r) => r.rfmSegment),
        s.map((r) => r.cvmStage),
        s.map((r) => r.asOf),
      ],
    );
  }
}

export interface StatusChange {
  customerId: number;
  from: string | null;
  to: string;
  on: string;
  reason: string;
}

export async function insertStatusChanges(
  sql: Sql,
  workspaceId: number,
  rows: StatusChange[],
): Promise<void> {
  for (let i = 0; i < rows.length; i += WRITE_CHUNK) {
    const s = rows.slice(i, i + WRITE_CHUNK);
    await sql.query(
      `INSERT INTO status_history (workspace_id, customer_id, from_status, to_status, changed_on, reason)
       SELECT $1, t.* FROM unnest($2::bigint[], $3::text[], $4::text[], $5::date[], $6::text[])
         AS t(customer_id, from_status, to_status, changed_on, reason)`,
      [
        workspaceId,
        s.map((r) => r.customerId),
        s.map((r) => r.from),
        s.map((r) => r.to),
        s.map((r) => r.on),
        s.map((r) => r.reason),
      ],
    );
  }
}

export async function listStatusHistory(
  sql: Sql,
  workspaceId: number,
  customerId: number,
): Promise<{ from: string | null; to: string; on: string; reason: string }[]> {
  return sql.query(
    `SELECT from_status AS "from", to_status AS "to", changed_on AS "on", reason FROM status_history
      WHERE workspace_id = $1 AND customer_id = $2 ORDER BY changed_on, id`,
    [workspaceId, customerId],
  );
}

export interface WorkspaceStats {
  asOf: string | null;
  intervalHistogram: Record<string, number>;
  rfmCutPoints: { r: number[]; f: number[]; m: number[] } | null;
}

export async function loadWorkspaceStats(sql: Sql, workspaceId: number): Promise<WorkspaceStats> {
  const rows = await sql.query<{
    as_of: string | null;
    interval_histogram: Record<string, number>;
    rfm_cut_points: WorkspaceStats['rfmCutPoints'];
  }>('SELECT as_of, interval_histogram, rfm_cut_points FROM workspace_stats WHERE workspace_id = $1', [
    workspaceId,
  ]);
  const r = rows[0];
  return r
    ? { asOf: r.as_of, intervalHistogram: r.interval_histogram, rfmCutPoints: r.rfm_cut_points }
    : { asOf: null, intervalHistogram: {}, rfmCutPoints: null };
}

export async function saveWorkspaceStats(sql: Sql, workspaceId: number, s: WorkspaceStats): Promise<void> {
  await sql.query(
    `INSERT INTO workspace_stats (workspace_id, as_of, interval_histogram, rfm_cut_points, updated_at)
     VALUES ($1, $2, $3::jsonb, $4::jsonb, now())
     ON CONFLICT (workspace_id) DO UPDATE SET as_of = EXCLUDED.as_of, interval_histogram = EXCLUDED.interval_histogram,
       rfm_cut_points = EXCLUDED.rfm_cut_points, updated_at = now()`,
    [workspaceId, s.asOf, JSON.stringify(s.intervalHistogram), JSON.stringify(s.rfmCutPoints)],
  );
}

/** Customers whose cycle is the workspace's (fewer than 2 own intervals), with what status needs. */
export async function loadWorkspaceCycleCustomers(
  sql: Sql,
  workspaceId: number,
): Promise<WorkspaceCycleCustomer[]> {
  const rows = await sql.query<{
    id: number;
    purchase_days: number;
    last_purchase_on: string;
    status: string;
    manual_status: string | null;
    manual_at: number | null;
    f_score: number | null;
    m_score: number | null;
  }>(
    `SELECT id, purchase_days, last_purchase_on, status, manual_status, f_score, m_score,
            (extract(epoch FROM manual_status_at) * 1000)::float8 AS manual_at
       FROM customers WHERE workspace_id = $1 AND merged_into IS NULL AND purchases > 0 AND own_cycle_days IS NULL`,
    [workspaceId],
  );
  return rows.map((r) => ({
    id: r.id,
    purchaseDays: r.purchase_days,
    lastPurchaseOn: r.last_purchase_on,
    status: r.status,
    manualStatus: r.manual_status,
    manualAt: r.manual_at,
    fScore: r.f_score,
    mScore: r.m_score,
  }));
}

export interface WorkspaceCycleCustomer {
  id: number;
  purchaseDays: number;
  lastPurchaseOn: string;
  status: string;
  manualStatus: string | null;
  manualAt: number | null;
  fScore: number | null;
  mScore: number | null;
}

/** Sets status and C_c of customers on the workspace cycle (after the workspace cycle moved). */
export async function writeWorkspaceCycleStatuses(
  sql: Sql,
  workspaceId: number,
  rows: {
    id: number;
    status: string;
    since: string | null;
    cycleDays: number | null;
    nextExpectedOn: string | null;
    cvmStage: string | null;
  }[],
): Promise<void> {
  for (let i = 0; i < rows.length; i += WRITE_CHUNK) {
    const s = rows.slice(i, i + WRITE_CHUNK);
    await sql.query(
      `UPDATE customers c SET status = t.status, status_since = COALESCE(t.since, c.status_since),
              cycle_days = t.cycle, next_expected_on = t.next_on, cvm_stage = t.cvm, updated_at = now()
         FROM unnest($2::bigint[], $3::text[], $4::date[], $5::numeric[], $6::date[], $7::text[])
           AS t(id, status, since, cycle, next_on, cvm)
        WHERE c.workspace_id = $1 AND c.id = t.id`,
      [
        workspaceId,
        s.map((r) => r.id),
        s.map((r) => r.status),
        s.map((r) => r.since),
        s.map((r) => r.cycleDays),
        s.map((r) => r.nextExpectedOn),
        s.map((r) => r.cvmStage),
      ],
    );
  }
}

/** Purchase lines with their category (completed orders with amount > 0, with a customer). */
export async function loadCategoryLines(
  sql: Sql,
  workspaceId: number,
  upTo: string,
): Promise<{ customerId: number; day: string; category: string }[]> {
  const rows = await sql.query<{ c: number; d: string; k: string }>(
    `SELECT DISTINCT o.customer_id AS c, o.ordered_on AS d, cat.name AS k
       FROM orders o
       JOIN order_lines l ON l.workspace_id = o.workspace_id AND l.order_id = o.id
       JOIN categories cat ON cat.workspace_id = l.workspace_id AND cat.id = l.category_id
      WHERE o.workspace_id = $1 AND o.customer_id IS NOT NULL AND o.status = 'completed' AND o.amount > 0
        AND o.ordered_on <= $2::date
      ORDER BY 1, 3, 2`,
    [workspaceId, upTo],
  );
  return rows.map((r) => ({ customerId: r.c, day: r.d, category: r.k }));
}

export interface CustomerContact {
  id: number;
  name: string | null;
  externalId: string | null;
  phone: string | null;
  email: string | null;
}

/** Name and first identifiers of every customer (for listings). */
export async function loadCustomerContacts(
  sql: Sql,
  workspaceId: number,
): Promise<Map<number, CustomerContact>> {
  const rows = await sql.query<{
    id: number;
    name: string | null;
    ext: string | null;
    phone: string | null;
    email: string | null;
  }>(
    `SELECT c.id, c.name,
            ${firstIdentifierSql('external')} AS ext, ${firstIdentifierSql('phone')} AS phone,
            ${firstIdentifierSql('email')} AS email
       FROM customers c WHERE c.workspace_id = $1 AND c.merged_into IS NULL`,
    [workspaceId],
  );
  return new Map(
    rows.map((r) => [r.id, { id: r.id, name: r.name, externalId: r.ext, phone: r.phone, email: r.email }]),
  );
}

export interface TargetRow {
  id: number;
  metric: string;
  value: number;
  deadline: string;
}

export async function upsertTarget(
  sql: Sql,
  workspaceId: number,
  t: Omit<TargetRow, 'id'>,
): Promise<TargetRow> {
  const rows = await sql.query<{ id: number; metric: string; value: string; deadline: string }>(
    `INSERT INTO targets (workspace_id, metric, value, deadline) VALUES ($1, $2, $3, $4)
     ON CONFLICT (workspace_id, metric, deadline) DO UPDATE SET value = EXCLUDED.value
     RETURNING id, metric, value::text AS value, deadline`,
    [workspaceId, t.metric, t.value, t.deadline],
  );
  const r = rows[0]!;
  return { id: r.id, metric: r.metric, value: Number(r.value), deadline: r.deadline };
}

export async function listTargets(sql: Sql, workspaceId: number): Promise<TargetRow[]> {
  const rows = await sql.query<{ id: number; metric: string; value: string; deadline: string }>(
    `SELECT id, metric, value::text AS value, deadline FROM targets WHERE workspace_id = $1 ORDER BY deadline, metric`,
    [workspaceId],
  );
  return rows.map((r) => ({ id: r.id, metric: r.metric, value: Number(r.value), deadline: r.deadline }));
}

export async function deleteTarget(
  sql: Sql,
  workspaceId: number,
  metric: string,
  deadline: string,
): Promise<number> {
  const rows = await sql.query(
    'DELETE FROM targets WHERE workspace_id = $1 AND metric = $2 AND deadline = $3 RETURNING id',
    [workspaceId, metric, deadline],
  );
  return rows.length;
}

/** Orders without a customer in a period: kept and shown, never in customer metrics. */
export async function anonymousTotals(
  sql: Sql,
  workspaceId: number,
  from: string,
  to: string,
): Promise<{ orders: number; revenue: string }> {
  const [r] = await sql.query<{ orders: number; revenue: string }>(
    `SELECT count(*)::int AS orders, COALESCE(sum(amount), 0)::text AS revenue FROM orders
      WHERE workspace_id = $1 AND customer_id IS NULL AND status = 'completed' AND amount > 0
        AND ordered_on >= $2::date AND ordered_on < $3::date`,
    [workspaceId, from, to],
  );
  return r!;
}

/** Marks the workspace's evaluation out of date: the daily refresh will run for it. */
export async function markWorkspaceStale(sql: Sql, workspaceId: number): Promise<void> {
  await sql.query('UPDATE workspace_stats SET as_of = NULL WHERE workspace_id = $1', [workspaceId]);
}
