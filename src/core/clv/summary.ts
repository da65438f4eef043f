/**
 * Per-customer recency/frequency/monetary summaries for BG/NBD and Gamma-Gamma, from raw
 * purchases. Same-day purchases are merged first (one purchase-day; amounts summed), as in the
 * paper and in lifetimes' `summary_data_from_transaction_data`.
 */
import { dayToNumber, numberToDay } from '../day.ts';
import type { Cents } from '../types.ts';

export interface Purchase {
  customerId: string;
  /** `YYYY-MM-DD`. */
  day: string;
  amountCents: Cents;
}

export type TimeUnit = 'day' | 'week';

export interface CustomerSummary {
  customerId: string;
  /** Repeat purchases: distinct purchase days in calibration − 1. */
  x: number;
  /** Time from the first to the last purchase day. */
  tx: number;
  /** Time from the first purchase day to the calibration end day. */
  T: number;
  /**
   * Mean value of the repeat purchase-days (the first day excluded), in currency units
   * (cents / 100); 0 when x = 0.
   */
  zbar: number;
  /** First purchase-day's value in currency units. */
  firstValue: number;
  firstDay: string;
  lastDay: string;
}

/** Days per time unit: 1 for days, 7 for weeks. */
export function unitLength(unit: TimeUnit): number {
  return unit === 'week' ? 7 : 1;
}

/** Purchase-days per customer, sorted by day: epoch day → summed cents. */
function purchaseDays(
  purchases: readonly Purchase[],
  until?: number,
  from?: number,
): Map<string, Map<number, number>> {
  const byCustomer = new Map<string, Map<number, number>>();
  for (const p of purchases) {
    const d = dayToNumber(p.day);
    if (until !== undefined && d > until) continue;
    if (from !== undefined && d < from) continue;
    let days = byCustomer.get(p.customerId);
    if (!days) {
      days = new Map();
      byCustomer.set(p.customerId, days);
    }
    days.set(d, (days.get(d) ?? 0) + p.amountCents);
  }
  return byCustomer;
}

/**
 * Summaries as of `calibrationEnd` (inclusive): purchases after it are ignored, customers whose
 * first purchase is after it are left out. Times are in `unit` (weeks = days / 7).
 * Output is sorted by customerId so it is deterministic.
 */
export function summarize(
  purchases: readonly Purchase[],
  calibrationEnd: string,
  unit: TimeUnit = 'day',
): CustomerSummary[] {
  const end = dayToNumber(calibrationEnd);
  const len = unitLength(unit);
  const out: CustomerSummary[] = [];
  for (const [customerId, days] of purchaseDays(purchases, end)) {
    const sorted = [...days.keys()].sort((p, q) => p - q);
    const first = sorted[0]!;
    const last = sorted[sorted.length - 1]!;
    let repeatCents = 0;
    for (let i = 1; i < sorted.length; i++) repeatCents += days.get(sorted[i]!)!;
    const x = sorted.length - 1;
    out.push({
      customerId,
      x,
      tx: (last - first) / len,
      T: (end - first) / len,
      zbar: x > 0 ? repeatCents / x / 100 : 0,
      firstValue: days.get(first)! / 100,
      firstDay: numberToDay(first),
      lastDay: numberToDay(last),
    });
  }
  out.sort((p, q) => (p.customerId < q.customerId ? -1 : p.customerId > q.customerId ? 1 : 0));
  return out;
}

/**
 * Repeat purchase-days per customer in the holdout window (calibrationEnd, holdoutEnd], counting
 * only customers whose first purchase is on or before calibrationEnd (the calibration cohort).
 */
export function holdoutPurchaseDays(
  purchases: readonly Purchase[],
  calibrationEnd: string,
  holdoutEnd: string,
): Map<string, number> {
  const end = dayToNumber(calibrationEnd);
  const hEnd = dayToNumber(holdoutEnd);
  const out = new Map<string, number>();
  for (const [customerId, days] of purchaseDays(purchases, hEnd)) {
    let first = Number.POSITIVE_INFINITY;
    for (const d of days.keys()) if (d < first) first = d;
    if (first > end) continue;
    let n = 0;
    for (const d of days.keys()) if (d > end) n++;
    out.set(customerId, n);
  }
  return out;
}
