/**
 * `recomputeWorkspace` (src/app/analytics/customer-aggregates.ts) step by step with a clock
 * between the steps: the same calls in the same order, so the phases add up to what the real
 * function costs (the benchmark checks the sum against a timed call of the real one).
 */
import { manualOf } from '../src/app/analytics/customer-aggregates.ts';
import { intervalHistogram } from '../src/core/analytics/cycle.ts';
import { type ManualStatus, statusChangeReason } from '../src/core/analytics/lifecycle.ts';
import { purchaseTableFromColumns } from '../src/core/analytics/purchases.ts';
import { aggregateRow, recomputeAll, rfmPopulationOf } from '../src/core/analytics/recompute.ts';
import { rfmCutPoints } from '../src/core/analytics/rfm-compact.ts';
import type { Day } from '../src/core/day.ts';
import type { Settings } from '../src/core/settings.ts';
import type { LifecycleStatus } from '../src/core/types.ts';
import { centsToDecimal } from '../src/core/types.ts';
import type { Database } from '../src/storage/connect.ts';
import {
  type AggregateWrite,
  insertStatusChanges,
  loadCustomerIds,
  loadPurchaseColumns,
  loadStatuses,
  type StatusChange,
  saveWorkspaceStats,
  writeAggregates,
} from '../src/storage/queries/analytics.ts';

export interface Phases {
  /** loadPurchaseColumns: purchases up to A as typed columns. */
  loadPurchases: number;
  /** loadCustomerIds + loadStatuses. */
  loadCustomers: number;
  /** purchaseTableFromColumns + recomputeAll (the core's columnar pass). */
  core: number;
  /** Rows to write, status changes, interval histogram, RFM cut points. */
  prepare: number;
  /** writeAggregates + insertStatusChanges + saveWorkspaceStats in one transaction. */
  writeBack: number;
  total: number;
  rows: number;
}

export async function recomputePhases(
  db: Database,
  workspaceId: number,
  asOf: Day,
  settings: Settings,
): Promise<Phases> {
  const t0 = performance.now();
  let t = t0;
  const lap = () => {
    const now = performance.now();
    const d = now - t;
    t = now;
    return d;
  };
  const cols = await loadPurchaseColumns(db, workspaceId, { upTo: asOf });
  const loadPurchases = lap();
  const ids = await loadCustomerIds(db, workspaceId);
  const stored = await loadStatuses(db, workspaceId);
  const loadCustomers = lap();
  const manual = new Map<number, ManualStatus>();
  for (const s of stored.values()) {
    const m = manualOf(s, settings.timezone);
    if (m) manual.set(s.id, m);
  }
  const table = purchaseTableFromColumns(cols, { customerIds: ids });
  const agg = recomputeAll(table, asOf, settings, { manual });
  const core = lap();
  const writes: AggregateWrite[] = [];
  const changes: StatusChange[] = [];
  let withPurchases = 0;
  for (let i = 0; i < agg.size; i++) {
    const a = aggregateRow(agg, i);
    if (a.purchases > 0) withPurchases++;
    const prev = stored.get(a.customerId);
    const prevStatus = (prev?.status ?? 'lead') as LifecycleStatus;
    const purchased = a.lastPurchaseDay !== null && (prev?.lastPurchaseOn ?? '') < a.lastPurchaseDay;
    const reason = statusChangeReason(prevStatus, a.status, { purchase: purchased, manual: a.manualStatus });
    if (reason) changes.push({ customerId: a.customerId, from: prevStatus, to: a.status, on: asOf, reason });
    writes.push({
      id: a.customerId,
      firstPurchaseOn: a.firstPurchaseDay,
      lastPurchaseOn: a.lastPurchaseDay,
      firstOrderId: a.firstOrderId,
      purchaseDays: a.purchaseDays,
      purchases: a.purchases,
      revenue: centsToDecimal(a.revenueCents),
      ownCycleDays: a.ownCycle,
      cycleDays: a.cycle,
      nextExpectedOn: a.nextExpectedDay,
      status: a.status,
      statusSince: reason ? asOf : null,
      clearManual: Boolean(prev?.manualStatus) && !a.manualStatus,
      recencyDays: a.recencyDays,
      rScore: a.rScore,
      fScore: a.fScore,
      mScore: a.mScore,
      rfmSegment: a.segment,
      cvmStage: a.cvm,
      asOf,
    });
  }
  const hist = intervalHistogram(table, asOf);
  const cutPoints = withPurchases > 0 ? rfmCutPoints(rfmPopulationOf(agg)) : null;
  const histJson: Record<string, number> = {};
  for (const [k, v] of [...hist].sort((a, b) => a[0] - b[0])) if (v > 0) histJson[String(k)] = v;
  const prepare = lap();
  await db.transaction(async (tx) => {
    await writeAggregates(tx, workspaceId, writes);
    await insertStatusChanges(tx, workspaceId, changes);
    await saveWorkspaceStats(tx, workspaceId, { asOf, intervalHistogram: histJson, rfmCutPoints: cutPoints });
  });
  const writeBack = lap();
  return {
    loadPurchases,
    loadCustomers,
    core,
    prepare,
    writeBack,
    total: performance.now() - t0,
    rows: cols.length,
  };
}
