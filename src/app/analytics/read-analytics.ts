/**
 * Read-side analytics for the CLI (and later the API): the KPI report with LTV and targets,
 * the customer list, segment counts, cohorts. Each evaluates from raw orders as of the
 * requested day with the core's columnar pass, so `--as-of` in the past is exact.
 */
import { categoryCycles } from '../../core/analytics/category-cycle.ts';
import { averageChurn, cohortRetention, monthlyChurn, statusShares } from '../../core/analytics/cohorts.ts';
import { CVM_STAGES } from '../../core/analytics/cvm.ts';
import { KPI_KEYS, type KpiKey, type Kpis, kpiTrend, periodKpisTable } from '../../core/analytics/kpis.ts';
import type { ManualStatus } from '../../core/analytics/lifecycle.ts';
import { ltvTable } from '../../core/analytics/ltv.ts';
import { type PurchaseTable, purchaseTableFromColumns } from '../../core/analytics/purchases.ts';
import {
  aggregateRow,
  type CustomerAggregateColumns,
  recomputeAll,
  segmentCounts,
  statusCounts,
} from '../../core/analytics/recompute.ts';
import { evaluateTarget, type TargetProgress } from '../../core/analytics/targets.ts';
import { addDays, type Day, dayToNumber } from '../../core/day.ts';
import { AppError } from '../../core/errors.ts';
import type { Settings } from '../../core/settings.ts';
import type { Database } from '../../storage/connect.ts';
import {
  anonymousTotals,
  deleteTarget,
  listTargets,
  loadCategoryLines,
  loadCustomerContacts,
  loadCustomerIds,
  loadPurchaseColumns,
  loadStatuses,
  type TargetRow,
  upsertTarget,
} from '../../storage/queries/analytics.ts';
import { loadPeriodPurchaseColumns } from '../../storage/queries/purchase-columns.ts';
import { manualOf } from './customer-aggregates.ts';

export interface Evaluation {
  asOf: Day;
  settings: Settings;
  table: PurchaseTable;
  aggregates: CustomerAggregateColumns;
}

/** Every customer evaluated as of `asOf` from purchases up to that day. */
export async function evaluateWorkspace(
  db: Database,
  workspaceId: number,
  asOf: Day,
  settings: Settings,
): Promise<Evaluation> {
  const cols = await loadPurchaseColumns(db, workspaceId, { upTo: asOf });
  const ids = await loadCustomerIds(db, workspaceId);
  const manual = new Map<number, ManualStatus>();
  for (const s of (await loadStatuses(db, workspaceId)).values()) {
    const m = manualOf(s, settings.timezone);
    if (m) manual.set(s.id, m);
  }
  const table = purchaseTableFromColumns(cols, { customerIds: ids });
  return { asOf, settings, table, aggregates: recomputeAll(table, asOf, settings, { manual }) };
}

export interface Report {
  from: Day;
  to: Day;
  asOf: Day;
  kpis: Kpis;
  anonymous: { orders: number; revenueCents: number };
  ltv: ReturnType<typeof ltvTable>;
  targets: (TargetProgress & { deadline: Day })[];
  trend: { month: string; from: Day; to: Day; kpis: Kpis }[] | null;
}

export function checkPeriod(from: Day, to: Day): void {
  if (dayToNumber(to) <= dayToNumber(from)) {
    throw new AppError('bad_usage', `--to (${to}) must be after --from (${from}): the period is [from, to)`);
  }
}

/** The KPI table of PRODUCT.md "Definitions" for [from, to), with LTV factors and targets. */
export async function buildReport(
  db: Database,
  workspaceId: number,
  opts: { from: Day; to: Day; asOf: Day; settings: Settings; byMonth?: boolean },
): Promise<Report> {
  checkPeriod(opts.from, opts.to);
  // Purchases up to A are all the report reads: customers without any (leads) add nothing to
  // a KPI and are never in a churn base, and churn runs on purchase statuses (no manual marks),
  // so neither the customer list, the stored statuses nor a full evaluation is needed; and
  // outside the period only the purchase days (see loadPeriodPurchaseColumns).
  const table = purchaseTableFromColumns(
    await loadPeriodPurchaseColumns(db, workspaceId, { upTo: opts.asOf, from: opts.from, to: opts.to }),
  );
  const kpis = periodKpisTable(table, opts.from, opts.to);
  const ltv = ltvTable(table, opts.from, opts.to, opts.settings);
  const anon = await anonymousTotals(db, workspaceId, opts.from, minDay(opts.to, addDays(opts.asOf, 1)));
  const targets = (await listTargets(db, workspaceId)).map((t) => ({
    ...evaluateTarget({ metric: t.metric as KpiKey, value: t.value, deadline: t.deadline }, kpis, opts.asOf),
    deadline: t.deadline,
  }));
  return {
    from: opts.from,
    to: opts.to,
    asOf: opts.asOf,
    kpis,
    anonymous: { orders: anon.orders, revenueCents: Math.round(Number(anon.revenue) * 100) },
    ltv,
    targets,
    trend: opts.byMonth ? kpiTrend(table, opts.from, opts.to, 'month') : null,
  };
}

function minDay(a: Day, b: Day): Day {
  return a < b ? a : b;
}

export interface CustomerListRow {
  id: number;
  externalId: string | null;
  name: string | null;
  phone: string | null;
  email: string | null;
  agg: ReturnType<typeof aggregateRow>;
}

export async function listCustomers(
  db: Database,
  workspaceId: number,
  asOf: Day,
  settings: Settings,
): Promise<CustomerListRow[]> {
  const ev = await evaluateWorkspace(db, workspaceId, asOf, settings);
  const contacts = await loadCustomerContacts(db, workspaceId);
  const out: CustomerListRow[] = [];
  for (let i = 0; i < ev.aggregates.size; i++) {
    const agg = aggregateRow(ev.aggregates, i);
    const c = contacts.get(agg.customerId);
    out.push({
      id: agg.customerId,
      externalId: c?.externalId ?? null,
      name: c?.name ?? null,
      phone: c?.phone ?? null,
      email: c?.email ?? null,
      agg,
    });
  }
  return out;
}

export async function segmentSummary(db: Database, workspaceId: number, asOf: Day, settings: Settings) {
  const ev = await evaluateWorkspace(db, workspaceId, asOf, settings);
  const cvm: Record<string, number> = Object.fromEntries(CVM_STAGES.map((s) => [s, 0]));
  for (let i = 0; i < ev.aggregates.size; i++) {
    const code = ev.aggregates.cvm[i]!;
    const stage = CVM_STAGES[code];
    if (stage) cvm[stage]!++;
  }
  const status = statusCounts(ev.aggregates.status);
  return {
    asOf,
    status,
    rfm: segmentCounts(ev.aggregates.segment),
    cvm,
    shares: statusShares(status),
    workspaceCycle: ev.aggregates.workspaceCycle,
  };
}

export async function cohortSummary(db: Database, workspaceId: number, asOf: Day, settings: Settings) {
  // Purchases are all cohorts and churn read (as in buildReport): a customer without one is in
  // no cohort and no churn base, and churn runs on purchase statuses. So no customer list, no
  // stored statuses and no evaluation of every customer (seconds at 1M customers).
  const table = purchaseTableFromColumns(await loadPurchaseColumns(db, workspaceId, { upTo: asOf }));
  const cohorts = cohortRetention(table, asOf);
  const first = cohorts[0]?.cohort;
  const churn = first ? monthlyChurn(table, `${first}-01`, addDays(asOf, 1), settings) : [];
  const lines = await loadCategoryLines(db, workspaceId, asOf);
  return {
    asOf,
    cohorts,
    churn,
    averageChurn: averageChurn(churn),
    categoryCycles: [...categoryCycles(lines, asOf).values()],
  };
}

export const TARGET_METRICS: readonly KpiKey[] = KPI_KEYS;

export async function setTarget(
  db: Database,
  workspaceId: number,
  metric: string,
  value: number,
  deadline: Day,
) {
  if (!(TARGET_METRICS as readonly string[]).includes(metric)) {
    throw new AppError('bad_usage', `unknown metric "${metric}"; one of: ${TARGET_METRICS.join(', ')}`);
  }
  if (!Number.isFinite(value)) throw new AppError('bad_usage', `target value must be a number`);
  return upsertTarget(db, workspaceId, { metric, value, deadline });
}

export async function getTargets(db: Database, workspaceId: number): Promise<TargetRow[]> {
  return listTargets(db, workspaceId);
}

export async function removeTarget(db: Database, workspaceId: number, metric: string, deadline: Day) {
  const n = await deleteTarget(db, workspaceId, metric, deadline);
  if (n === 0) throw new AppError('not_found', `no target for ${metric} by ${deadline}`);
}
