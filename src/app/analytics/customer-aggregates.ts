/**
 * Keeping every customer's aggregates (first/last purchase, purchase days, purchases,
 * revenue, own cycle, status, next expected day, RFM, CVM) true:
 *
 * - `recomputeWorkspace` — the full pass from raw orders as of a day (the `recompute`
 *   command and the daily job): statuses that moved with time alone, recency, RFM quantiles.
 * - `updateCustomers` — the incremental path, in the same transaction as new orders: only
 *   the touched customers are re-evaluated, the workspace's interval histogram (hence the
 *   learned cycle C_w) is kept exact, and if C_w moves, everyone on it is re-evaluated too.
 *
 * Both call the same core functions, so they cannot disagree on a rule.
 */

import { cvmStage } from '../../core/analytics/cvm.ts';
import { intervalHistogram, intervalsOf, workspaceCycle } from '../../core/analytics/cycle.ts';
import {
  isReturn,
  lifecycleStatus,
  type ManualStatus,
  statusChangeReason,
} from '../../core/analytics/lifecycle.ts';
import { type OrderFact, purchaseTableFromColumns } from '../../core/analytics/purchases.ts';
import {
  aggregateRow,
  type CustomerAggregates,
  customerAggregates,
  recomputeAll,
  rfmPopulationOf,
} from '../../core/analytics/recompute.ts';
import { populationFromCutPoints, rfmCutPoints } from '../../core/analytics/rfm-compact.ts';
import { addDays, type Day, numberToDay } from '../../core/day.ts';
import { utcToZonedDay } from '../../core/import/values.ts';
import type { Settings } from '../../core/settings.ts';
import type { LifecycleStatus } from '../../core/types.ts';
import { centsToDecimal } from '../../core/types.ts';
import type { Database, Sql } from '../../storage/connect.ts';
import {
  type AggregateWrite,
  insertStatusChanges,
  loadCustomerIds,
  loadPurchaseColumns,
  loadStatuses,
  loadWorkspaceCycleCustomers,
  loadWorkspaceStats,
  type PurchaseColumns,
  type StatusChange,
  type StoredStatus,
  saveWorkspaceStats,
  writeAggregates,
  writeWorkspaceCycleStatuses,
} from '../../storage/queries/analytics.ts';
import { type EventInsert, insertEvents } from '../../storage/queries/events.ts';
import { emitStatusChanges } from '../webhooks/events.ts';

export function manualOf(s: StoredStatus | undefined, timeZone: string): ManualStatus | null {
  if (!s?.manualStatus || s.manualAt === null) return null;
  return {
    status: s.manualStatus as LifecycleStatus,
    day: utcToZonedDay(s.manualAt, timeZone),
    at: s.manualAt,
  };
}

function toWrite(a: CustomerAggregates, asOf: Day, since: Day | null, clearManual: boolean): AggregateWrite {
  return {
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
    statusSince: since,
    clearManual,
    recencyDays: a.recencyDays,
    rScore: a.rScore,
    fScore: a.fScore,
    mScore: a.mScore,
    rfmSegment: a.segment,
    cvmStage: a.cvm,
    asOf,
  };
}

function histogramFromJson(h: Record<string, number>): Map<number, number> {
  return new Map(Object.entries(h).map(([k, v]) => [Number(k), v]));
}

function histogramToJson(h: Map<number, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of [...h].sort((a, b) => a[0] - b[0])) if (v > 0) out[String(k)] = v;
  return out;
}

export interface RecomputeResult {
  asOf: Day;
  customers: number;
  withPurchases: number;
  workspaceCycle: number | null;
  workspaceCycleSource: string;
  statusChanges: number;
}

/** The steps of a full recompute, in order (the analytics benchmark times each). */
export type RecomputePhase = 'loadPurchases' | 'loadCustomers' | 'core' | 'prepare' | 'writeBack';

/**
 * The full recompute as of `asOf` (purchases up to and including that day). `onPhase` is
 * called as each step ends, so a caller can time the steps of the real thing.
 */
export async function recomputeWorkspace(
  db: Database,
  workspaceId: number,
  asOf: Day,
  settings: Settings,
  opts: { onPhase?: (phase: RecomputePhase) => void } = {},
): Promise<RecomputeResult> {
  const phase = opts.onPhase ?? (() => {});
  const cols = await loadPurchaseColumns(db, workspaceId, { upTo: asOf });
  phase('loadPurchases');
  const ids = await loadCustomerIds(db, workspaceId);
  const stored = await loadStatuses(db, workspaceId);
  phase('loadCustomers');
  const manual = new Map<number, ManualStatus>();
  for (const s of stored.values()) {
    const m = manualOf(s, settings.timezone);
    if (m) manual.set(s.id, m);
  }
  const table = purchaseTableFromColumns(cols, { customerIds: ids });
  const agg = recomputeAll(table, asOf, settings, { manual });
  phase('core');
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
    const clearManual = Boolean(prev?.manualStatus) && !a.manualStatus;
    writes.push(toWrite(a, asOf, reason ? asOf : null, clearManual));
  }
  const hist = intervalHistogram(table, asOf);
  const cutPoints = withPurchases > 0 ? rfmCutPoints(rfmPopulationOf(agg)) : null;
  phase('prepare');
  await db.transaction(async (tx) => {
    await writeAggregates(tx, workspaceId, writes);
    await logStatusChanges(tx, workspaceId, changes);
    await saveWorkspaceStats(tx, workspaceId, {
      asOf,
      intervalHistogram: histogramToJson(hist),
      rfmCutPoints: cutPoints,
    });
  });
  phase('writeBack');
  const cw = workspaceCycle(settings, hist);
  return {
    asOf,
    customers: agg.size,
    withPurchases,
    workspaceCycle: cw.days,
    workspaceCycleSource: cw.source,
    statusChanges: changes.length,
  };
}

/**
 * The one place status changes are recorded: the history rows and their `status.changed`
 * webhook events, in the caller's transaction.
 */
async function logStatusChanges(sql: Sql, workspaceId: number, changes: StatusChange[]): Promise<void> {
  await insertStatusChanges(sql, workspaceId, changes);
  await emitStatusChanges(sql, workspaceId, changes);
}

/** Each customer's purchases as order facts, grouped by customer. */
function factsByCustomer(cols: PurchaseColumns): Map<number, OrderFact[]> {
  const out = new Map<number, OrderFact[]>();
  for (let i = 0; i < cols.length; i++) {
    const id = cols.customerId[i]!;
    let list = out.get(id);
    if (!list) {
      list = [];
      out.set(id, list);
    }
    list.push({
      orderId: cols.orderId[i]!,
      customerId: id,
      at: cols.at[i]!,
      day: numberToDay(cols.day[i]!),
      amountCents: cols.amountCents[i]!,
      status: 'completed',
      ...(Number.isNaN(cols.costCents[i]!) ? {} : { costCents: cols.costCents[i]! }),
    });
  }
  return out;
}

/** What the customers looked like before a write: taken inside the writing transaction. */
export interface CustomersBefore {
  ids: number[];
  facts: Map<number, OrderFact[]>;
}

export async function snapshotCustomers(
  sql: Sql,
  workspaceId: number,
  ids: number[],
): Promise<CustomersBefore> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return { ids: [], facts: new Map() };
  return {
    ids: unique,
    facts: factsByCustomer(await loadPurchaseColumns(sql, workspaceId, { customerIds: unique })),
  };
}

export interface UpdateResult {
  statusChanges: number;
  returned: number;
  workspaceCycleMoved: boolean;
}

/**
 * Re-evaluates the customers of `before` after their orders changed, as of `asOf`, in the
 * caller's transaction: aggregates, status (logged with its reason), a `returned` event when
 * a sleeping or lost customer bought again, the interval histogram, and — when the learned
 * workspace cycle moved — the status of every customer who relies on it.
 */
export async function updateCustomers(
  sql: Sql,
  workspaceId: number,
  before: CustomersBefore,
  asOf: Day,
  settings: Settings,
): Promise<UpdateResult> {
  if (before.ids.length === 0) return { statusChanges: 0, returned: 0, workspaceCycleMoved: false };
  const after = factsByCustomer(await loadPurchaseColumns(sql, workspaceId, { customerIds: before.ids }));
  const stats = await loadWorkspaceStats(sql, workspaceId);
  const stored = await loadStatuses(sql, workspaceId, before.ids);
  const hist = histogramFromJson(stats.intervalHistogram);
  const cwBefore = workspaceCycle(settings, hist).days;
  const daysOf = (facts: OrderFact[] | undefined) => [...new Set((facts ?? []).map((f) => f.day))].sort();
  for (const id of before.ids) {
    for (const d of intervalsOf(daysOf(before.facts.get(id)))) hist.set(d, (hist.get(d) ?? 0) - 1);
    for (const d of intervalsOf(daysOf(after.get(id)))) hist.set(d, (hist.get(d) ?? 0) + 1);
  }
  for (const [k, v] of hist) if (v <= 0) hist.delete(k);
  const cwAfter = workspaceCycle(settings, hist).days;
  const population = stats.rfmCutPoints ? populationFromCutPoints(stats.rfmCutPoints) : null;

  const writes: AggregateWrite[] = [];
  const changes: StatusChange[] = [];
  const events: EventInsert[] = [];
  for (const id of before.ids) {
    const s = stored.get(id);
    const manual = manualOf(s, settings.timezone);
    const old = customerAggregates(before.facts.get(id) ?? [], asOf, cwBefore, settings, {
      customerId: id,
      manual,
    });
    const now = customerAggregates(after.get(id) ?? [], asOf, cwAfter, settings, {
      customerId: id,
      manual,
      population,
    });
    const storedStatus = (s?.status ?? 'lead') as LifecycleStatus;
    // Time may have moved the customer since the last evaluation: log that first.
    const decay = statusChangeReason(storedStatus, old.status);
    if (decay) changes.push({ customerId: id, from: storedStatus, to: old.status, on: asOf, reason: decay });
    const purchased =
      now.purchases > old.purchases || (now.lastPurchaseDay ?? '') > (old.lastPurchaseDay ?? '');
    const reason = statusChangeReason(old.status, now.status, { purchase: purchased });
    if (reason) changes.push({ customerId: id, from: old.status, to: now.status, on: asOf, reason });
    if (purchased && isReturn(old.status)) {
      events.push({ customerId: id, type: 'returned', data: { from: old.status, on: now.lastPurchaseDay } });
    }
    const clearManual = Boolean(s?.manualStatus) && !now.manualStatus;
    writes.push(toWrite(now, asOf, decay || reason ? asOf : null, clearManual));
  }
  await writeAggregates(sql, workspaceId, writes);

  let moved = false;
  if (cwAfter !== cwBefore) {
    moved = true;
    const touched = new Set(before.ids);
    const rest = (await loadWorkspaceCycleCustomers(sql, workspaceId)).filter((c) => !touched.has(c.id));
    const updates = [];
    for (const c of rest) {
      const manual = manualOf(
        {
          id: c.id,
          status: c.status,
          manualStatus: c.manualStatus,
          manualAt: c.manualAt,
          lastPurchaseOn: c.lastPurchaseOn,
        },
        settings.timezone,
      );
      const { status } = lifecycleStatus({
        asOf,
        purchaseDays: c.purchaseDays,
        lastPurchaseDay: c.lastPurchaseOn,
        cycle: cwAfter,
        lostMultiplier: settings.lost_multiplier,
        manual,
      });
      const reason = statusChangeReason(c.status as LifecycleStatus, status);
      if (reason)
        changes.push({ customerId: c.id, from: c.status, to: status, on: asOf, reason: 'recalculated' });
      updates.push({
        id: c.id,
        status,
        since: reason ? asOf : null,
        cycleDays: cwAfter,
        nextExpectedOn: cwAfter === null ? null : addDays(c.lastPurchaseOn, Math.floor(cwAfter)),
        cvmStage: cvmStage(status, c.fScore, c.mScore),
      });
    }
    await writeWorkspaceCycleStatuses(sql, workspaceId, updates);
  }
  await logStatusChanges(sql, workspaceId, changes);
  await insertEvents(sql, workspaceId, events);
  await saveWorkspaceStats(sql, workspaceId, { ...stats, intervalHistogram: histogramToJson(hist) });
  return { statusChanges: changes.length, returned: events.length, workspaceCycleMoved: moved };
}

/** After a first import (no full evaluation yet), run one so RFM scores exist. */
export async function ensureEvaluated(
  db: Database,
  workspaceId: number,
  asOf: Day,
  settings: Settings,
): Promise<void> {
  const stats = await loadWorkspaceStats(db, workspaceId);
  if (stats.rfmCutPoints === null) await recomputeWorkspace(db, workspaceId, asOf, settings);
}
