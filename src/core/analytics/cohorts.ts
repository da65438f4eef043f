/**
 * Cohort retention by month of first purchase, and the status mix of the base.
 *
 * A cohort = the customers whose first purchase (all history, up to A) falls in a month.
 * `retained[k]` = how many of them bought again in month k after it (k = 0, 1, 2, …): for
 * k ≥ 1 any purchase in that month; for k = 0 a purchase on a later day of the first month (a
 * second purchase on the first day is the same purchase day, not a return). Months run up to
 * the month of A, so the last value of every cohort covers a partial month (A included).
 * Purchases after A are ignored.
 *
 * The monthly churn series is in churn.ts (re-exported here).
 */
import type { Day } from '../day.ts';
import { dayToNumber } from '../day.ts';
import type { LifecycleStatus } from '../types.ts';
import { monthIndexOfDay, monthIndexTable, monthLabel } from './calendar.ts';
import type { OrderFact, PurchaseTable } from './purchases.ts';
import { buildPurchaseTable } from './purchases.ts';

export type { ChurnBase, ChurnOptions, MonthlyChurn } from './churn.ts';
export { averageChurn, monthlyChurn } from './churn.ts';

export interface CohortRow {
  /** `YYYY-MM` of the first purchase. */
  cohort: string;
  customers: number;
  /** Index k = months after the cohort month: customers who bought again in that month. */
  retained: number[];
  /** `retained[k] / customers`. */
  shares: number[];
}

/** Retention of every cohort with at least one customer, oldest first. */
export function cohortRetention(source: PurchaseTable | readonly OrderFact[], asOf: Day): CohortRow[] {
  const t = Array.isArray(source) ? buildPurchaseTable(source) : (source as PurchaseTable);
  const a = dayToNumber(asOf);
  const last = monthIndexOfDay(a);
  const { offset, day } = t;
  let minDay = a + 1;
  for (let c = 0; c < t.customers; c++) {
    const s = offset[c]!;
    if (s < offset[c + 1]! && day[s]! < minDay) minDay = day[s]!;
  }
  if (minDay > a) return [];
  const first = monthIndexOfDay(minDay);
  // month[d - minDay] = month index of epoch day d, for every day up to A
  const month = monthIndexTable(minDay, a + 1);
  const span = last - first + 1;
  const sizes = new Float64Array(span);
  // retained[(cohort - first) * span + k]
  const retained = new Float64Array(span * span);
  for (let c = 0; c < t.customers; c++) {
    const s = offset[c]!;
    const e = offset[c + 1]!;
    if (s === e || day[s]! > a) continue;
    const firstDay = day[s]!;
    const cohort = month[firstDay - minDay]! - first;
    sizes[cohort]!++;
    let lastK = -1;
    for (let r = s + 1; r < e; r++) {
      const d = day[r]!;
      if (d > a) break;
      if (d === firstDay) continue;
      const k = month[d - minDay]! - first - cohort;
      if (k !== lastK) {
        retained[cohort * span + k]!++;
        lastK = k;
      }
    }
  }
  const out: CohortRow[] = [];
  for (let i = 0; i < span; i++) {
    const size = sizes[i]!;
    if (size === 0) continue;
    const row = Array.from(retained.subarray(i * span, i * span + (span - i)));
    out.push({
      cohort: monthLabel(first + i),
      customers: size,
      retained: row,
      shares: row.map((x) => x / size),
    });
  }
  return out;
}

export interface StatusShares {
  /** Customers with ≥ 1 purchase (not leads). */
  customers: number;
  /** newbie + fan. */
  active: number;
  sleeping: number;
  lost: number;
  activeShare: number | null;
  sleepingShare: number | null;
  lostShare: number | null;
}

/** Shares of active (newbie + fan), sleeping and lost among customers with ≥ 1 purchase. */
export function statusShares(counts: Readonly<Record<LifecycleStatus, number>>): StatusShares {
  const active = counts.newbie + counts.fan;
  const customers = active + counts.sleeping + counts.lost;
  const share = (x: number): number | null => (customers === 0 ? null : x / customers);
  return {
    customers,
    active,
    sleeping: counts.sleeping,
    lost: counts.lost,
    activeShare: share(active),
    sleepingShare: share(counts.sleeping),
    lostShare: share(counts.lost),
  };
}
