/**
 * Reports for the API: KPIs with LTV and targets, the monthly trend, cohorts. An unrestricted
 * principal gets the workspace's reports (the CLI's use-cases); a manager gets the same
 * formulas over their own customers only. Their statuses use the workspace's current cycle
 * C_w (the business's rhythm, not one learned from a manager's handful of customers).
 * Computed reports are reused until the data under them changes (report-cache.ts).
 */
import { categoryCycles } from '../../core/analytics/category-cycle.ts';
import { averageChurn, cohortRetention, monthlyChurn } from '../../core/analytics/cohorts.ts';
import { workspaceCycle } from '../../core/analytics/cycle.ts';
import { type KpiKey, kpiTrend, periodKpisTable } from '../../core/analytics/kpis.ts';
import { ltvTable } from '../../core/analytics/ltv.ts';
import { type PurchaseTable, purchaseTableFromColumns } from '../../core/analytics/purchases.ts';
import { evaluateTarget } from '../../core/analytics/targets.ts';
import { addDays, type Day } from '../../core/day.ts';
import type { Settings } from '../../core/settings.ts';
import type { Database } from '../../storage/connect.ts';
import {
  listTargets,
  loadCategoryLines,
  loadPurchaseColumns,
  loadWorkspaceStats,
} from '../../storage/queries/analytics.ts';
import { managerCustomerIds } from '../../storage/queries/scoped-analytics.ts';
import { buildReport, checkPeriod, cohortSummary, type Report } from '../analytics/read-analytics.ts';
import { workspaceContext } from './context.ts';
import { type Principal, requirePermission, visibleManager } from './principal.ts';
import { cachedReport } from './report-cache.ts';

export interface ReportPeriod {
  from: Day;
  to: Day;
  asOf?: Day | undefined;
}

interface Scoped {
  table: PurchaseTable;
  ids: Set<number>;
  settings: Settings;
}

async function scopedTable(
  db: Database,
  workspaceId: number,
  managerStaffId: number,
  asOf: Day,
  settings: Settings,
): Promise<Scoped> {
  const ids = await managerCustomerIds(db, workspaceId, managerStaffId);
  const cols = await loadPurchaseColumns(db, workspaceId, { customerIds: ids, upTo: asOf });
  const stats = await loadWorkspaceStats(db, workspaceId);
  const hist = new Map(Object.entries(stats.intervalHistogram).map(([k, v]) => [Number(k), v]));
  const cw = workspaceCycle(settings, hist).days;
  return {
    table: purchaseTableFromColumns(cols, { customerIds: ids }),
    ids: new Set(ids),
    settings: { ...settings, cycle_days: settings.cycle_days ?? cw },
  };
}

async function scopedReport(
  db: Database,
  workspaceId: number,
  managerStaffId: number,
  p: { from: Day; to: Day; asOf: Day; settings: Settings; byMonth: boolean },
): Promise<Report> {
  checkPeriod(p.from, p.to);
  const s = await scopedTable(db, workspaceId, managerStaffId, p.asOf, p.settings);
  const kpis = periodKpisTable(s.table, p.from, p.to);
  const targets = (await listTargets(db, workspaceId)).map((t) => ({
    ...evaluateTarget({ metric: t.metric as KpiKey, value: t.value, deadline: t.deadline }, kpis, p.asOf),
    deadline: t.deadline,
  }));
  return {
    from: p.from,
    to: p.to,
    asOf: p.asOf,
    kpis,
    // Walk-in sales belong to no customer, so to no manager.
    anonymous: { orders: 0, revenueCents: 0 },
    ltv: ltvTable(s.table, p.from, p.to, s.settings),
    targets,
    trend: p.byMonth ? kpiTrend(s.table, p.from, p.to, 'month') : null,
  };
}

export async function reportKpis(
  db: Database,
  principal: Principal,
  period: ReportPeriod,
  byMonth = false,
): Promise<Report & { currency: string }> {
  requirePermission(principal, 'reports:read');
  const ws = principal.workspaceId;
  const { settings, today } = await workspaceContext(db, ws);
  const asOf = period.asOf ?? today;
  const manager = visibleManager(principal);
  const { from, to } = period;
  const key = JSON.stringify(['kpis', from, to, asOf, byMonth, manager, settings]);
  const report = await cachedReport(db, ws, key, () =>
    manager === null
      ? buildReport(db, ws, { from, to, asOf, settings, byMonth })
      : scopedReport(db, ws, manager, { from, to, asOf, settings, byMonth }),
  );
  return { ...report, currency: settings.currency };
}

export type CohortReport = Awaited<ReturnType<typeof cohortSummary>> & { currency: string };

export async function reportCohorts(
  db: Database,
  principal: Principal,
  asOfDay?: Day,
): Promise<CohortReport> {
  requirePermission(principal, 'reports:read');
  const ws = principal.workspaceId;
  const { settings, today } = await workspaceContext(db, ws);
  const asOf = asOfDay ?? today;
  const manager = visibleManager(principal);
  const key = JSON.stringify(['cohorts', asOf, manager, settings]);
  return cachedReport(db, ws, key, async () =>
    manager === null
      ? { ...(await cohortSummary(db, ws, asOf, settings)), currency: settings.currency }
      : scopedCohorts(db, ws, manager, asOf, settings),
  );
}

async function scopedCohorts(
  db: Database,
  ws: number,
  manager: number,
  asOf: Day,
  settings: Settings,
): Promise<CohortReport> {
  const s = await scopedTable(db, ws, manager, asOf, settings);
  const cohorts = cohortRetention(s.table, asOf);
  const first = cohorts[0]?.cohort;
  const churn = first ? monthlyChurn(s.table, `${first}-01`, addDays(asOf, 1), s.settings) : [];
  const lines = (await loadCategoryLines(db, ws, asOf)).filter((l) => s.ids.has(l.customerId));
  return {
    asOf,
    cohorts,
    churn,
    averageChurn: averageChurn(churn),
    categoryCycles: [...categoryCycles(lines, asOf).values()],
    currency: settings.currency,
  };
}
