/**
 * LTV = AC × N × P × T (PRODUCT.md "LTV", seed 002), every factor returned with the result:
 * - AC = `aov` of the period (cents);
 * - N = purchases per customer per month = `purchase_frequency` / months, months = days / 30.4375;
 * - P = gross margin share: from order costs when any purchase in the period has a cost
 *   (1 − Σ cost / Σ amount over the purchases that have one), else the `margin` setting;
 * - T = average lifetime in months = 1 / monthly churn (churn.ts: the average over the
 *   period's months). Zero churn (nobody was lost) means no measurable lifetime: T and LTV are
 *   null rather than infinite; no churn at all (no month with a base) likewise.
 * Any null factor makes LTV null.
 */
import type { Day } from '../day.ts';
import { daysBetween, dayToNumber } from '../day.ts';
import type { Settings } from '../settings.ts';
import { DAYS_PER_MONTH } from './calendar.ts';
import type { ChurnOptions, MonthlyChurn } from './churn.ts';
import { averageChurn, monthlyChurn } from './churn.ts';
import type { Kpis } from './kpis.ts';
import { periodKpisTable } from './kpis.ts';
import type { OrderFact, PurchaseTable } from './purchases.ts';
import { buildPurchaseTable } from './purchases.ts';

export interface Ltv {
  from: Day;
  to: Day;
  /** Cents (fractional); null when a factor is null. */
  ltv: number | null;
  /** AC: average order value, cents. */
  ac: number | null;
  /** N: purchases per customer per month. */
  n: number | null;
  /** P: margin share. */
  p: number;
  pSource: 'costs' | 'setting';
  /** T: lifetime in months. */
  t: number | null;
  /** Average monthly churn. */
  churn: number | null;
  /** Months in the period (days / 30.4375). */
  months: number;
  kpis: Kpis;
  churnByMonth: MonthlyChurn[];
}

/** LTV from its factors (null when any is null). */
export function ltvFromFactors(
  ac: number | null,
  n: number | null,
  p: number | null,
  t: number | null,
): number | null {
  return ac === null || n === null || p === null || t === null ? null : ac * n * p * t;
}

/** 1 − Σ cost / Σ amount over purchases in `[from, to)` with a known cost; null when none has one. */
export function marginFromCosts(t: PurchaseTable, from: Day, to: Day): number | null {
  const f = dayToNumber(from);
  const e = dayToNumber(to);
  let cost = 0;
  let revenue = 0;
  for (let r = 0; r < t.rows; r++) {
    const d = t.day[r]!;
    const c = t.cost[r]!;
    if (d < f || d >= e || Number.isNaN(c)) continue;
    cost += c;
    revenue += t.cents[r]!;
  }
  return revenue === 0 ? null : 1 - cost / revenue;
}

/** LTV over `[from, to)` on the columnar table. */
export function ltvTable(
  t: PurchaseTable,
  from: Day,
  to: Day,
  settings: Pick<Settings, 'cycle_days' | 'lost_multiplier' | 'margin'>,
  options: ChurnOptions = {},
): Ltv {
  const kpis = periodKpisTable(t, from, to);
  const months = daysBetween(from, to) / DAYS_PER_MONTH;
  const ac = kpis.aov;
  const n = kpis.purchase_frequency === null || months === 0 ? null : kpis.purchase_frequency / months;
  const costMargin = marginFromCosts(t, from, to);
  const p = costMargin ?? settings.margin;
  const churnByMonth = monthlyChurn(t, from, to, settings, options);
  const churn = averageChurn(churnByMonth);
  const lifetime = churn === null || churn === 0 ? null : 1 / churn;
  return {
    from,
    to,
    ltv: ltvFromFactors(ac, n, p, lifetime),
    ac,
    n,
    p,
    pSource: costMargin === null ? 'setting' : 'costs',
    t: lifetime,
    churn,
    months,
    kpis,
    churnByMonth,
  };
}

/** LTV over `[from, to)` from order facts (any statuses). */
export function ltv(
  orders: readonly OrderFact[],
  from: Day,
  to: Day,
  settings: Pick<Settings, 'cycle_days' | 'lost_multiplier' | 'margin'>,
  options: ChurnOptions = {},
): Ltv {
  return ltvTable(buildPurchaseTable(orders), from, to, settings, options);
}
