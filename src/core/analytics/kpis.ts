/**
 * Period KPIs of PRODUCT.md "Definitions" for `[from, to)`. Money is cents; `aov` and
 * `customer_value` are fractional cents (the CLI rounds). A ratio with a zero denominator is
 * null. Three entry points share one set of formulas (`kpisFromCounts`):
 * - `periodKpis(orders, …)` from plain order facts (any statuses; filtered here);
 * - `periodKpisTable(table, …)` on the columnar table (the hot path);
 * - `kpisFromFlaggedPurchases(rows)` from in-period purchases already flagged primary/repeat
 *   (what SQL can feed), and `kpisFromCounts` from SQL aggregates.
 */
import type { Day } from '../day.ts';
import { dayToNumber, numberToDay } from '../day.ts';
import type { Cents } from '../types.ts';
import { monthIndexOfDay, monthIndexTable, monthLabel, monthStartDay } from './calendar.ts';
import type { OrderFact, PurchaseTable } from './purchases.ts';
import { buildPurchaseTable } from './purchases.ts';

export interface Kpis {
  orders: number;
  revenue: Cents;
  primary_orders: number;
  repeat_orders: number;
  repeat_share_orders: number | null;
  primary_revenue: Cents;
  repeat_revenue: Cents;
  repeat_share_revenue: number | null;
  unique_customers: number;
  new_customers: number;
  repeat_customers: number;
  repeat_purchase_rate: number | null;
  purchase_frequency: number | null;
  /** Cents (fractional). */
  aov: number | null;
  /** Cents (fractional). */
  customer_value: number | null;
}

export type KpiKey = keyof Kpis;

/** Every KPI key in the order of the Definitions table. */
export const KPI_KEYS = [
  'orders',
  'revenue',
  'primary_orders',
  'repeat_orders',
  'repeat_share_orders',
  'primary_revenue',
  'repeat_revenue',
  'repeat_share_revenue',
  'unique_customers',
  'new_customers',
  'repeat_customers',
  'repeat_purchase_rate',
  'purchase_frequency',
  'aov',
  'customer_value',
] as const satisfies readonly KpiKey[];

/** The KPIs whose values are money (cents). */
export const MONEY_KPIS: ReadonlySet<KpiKey> = new Set<KpiKey>([
  'revenue',
  'primary_revenue',
  'repeat_revenue',
  'aov',
  'customer_value',
]);

/** The additive counts every KPI derives from. */
export interface KpiCounts {
  orders: number;
  revenue: Cents;
  primary_orders: number;
  primary_revenue: Cents;
  unique_customers: number;
  /** Customers whose first purchase (all history) is in the period; equals `primary_orders`. */
  new_customers: number;
  repeat_customers: number;
}

/** `a / b`, or null when `b` is 0. */
export function ratio(a: number, b: number): number | null {
  return b === 0 ? null : a / b;
}

/** All KPIs from the additive counts. */
export function kpisFromCounts(c: KpiCounts): Kpis {
  const repeatOrders = c.orders - c.primary_orders;
  const repeatRevenue = c.revenue - c.primary_revenue;
  const aov = ratio(c.revenue, c.orders);
  const frequency = ratio(c.orders, c.unique_customers);
  return {
    orders: c.orders,
    revenue: c.revenue,
    primary_orders: c.primary_orders,
    repeat_orders: repeatOrders,
    repeat_share_orders: ratio(repeatOrders, c.orders),
    primary_revenue: c.primary_revenue,
    repeat_revenue: repeatRevenue,
    repeat_share_revenue: ratio(repeatRevenue, c.revenue),
    unique_customers: c.unique_customers,
    new_customers: c.new_customers,
    repeat_customers: c.repeat_customers,
    repeat_purchase_rate: ratio(c.repeat_customers, c.unique_customers),
    purchase_frequency: frequency,
    aov,
    // aov × purchase_frequency = revenue / unique_customers; computed as the latter so the
    // value is exact to one rounding instead of two.
    customer_value: aov === null || frequency === null ? null : c.revenue / c.unique_customers,
  };
}

/** A purchase inside the period, flagged by whether it is the customer's first in all history. */
export interface FlaggedPurchase {
  customerId: number;
  amountCents: Cents;
  primary: boolean;
}

/** KPIs from the in-period purchases (only purchases: completed, amount > 0), flagged primary. */
export function kpisFromFlaggedPurchases(rows: Iterable<FlaggedPurchase>): Kpis {
  const perCustomer = new Map<number, number>();
  const newCustomers = new Set<number>();
  const c: KpiCounts = {
    orders: 0,
    revenue: 0,
    primary_orders: 0,
    primary_revenue: 0,
    unique_customers: 0,
    new_customers: 0,
    repeat_customers: 0,
  };
  for (const row of rows) {
    c.orders++;
    c.revenue += row.amountCents;
    if (row.primary) {
      c.primary_orders++;
      c.primary_revenue += row.amountCents;
      newCustomers.add(row.customerId);
    }
    perCustomer.set(row.customerId, (perCustomer.get(row.customerId) ?? 0) + 1);
  }
  c.unique_customers = perCustomer.size;
  for (const k of perCustomer.values()) if (k >= 2) c.repeat_customers++;
  c.new_customers = newCustomers.size;
  return kpisFromCounts(c);
}

function checkPeriod(from: Day, to: Day): [number, number] {
  const f = dayToNumber(from);
  const t = dayToNumber(to);
  if (t < f) throw new RangeError(`period ends before it starts: [${from}, ${to})`);
  return [f, t];
}

/** KPIs over `[from, to)` on the columnar table. Primary = a customer's first row (all history). */
export function periodKpisTable(t: PurchaseTable, from: Day, to: Day): Kpis {
  const [f, e] = checkPeriod(from, to);
  const c: KpiCounts = {
    orders: 0,
    revenue: 0,
    primary_orders: 0,
    primary_revenue: 0,
    unique_customers: 0,
    new_customers: 0,
    repeat_customers: 0,
  };
  const { offset, day, cents } = t;
  for (let k = 0; k < t.customers; k++) {
    const s = offset[k]!;
    const end = offset[k + 1]!;
    let inPeriod = 0;
    for (let r = s; r < end; r++) {
      const d = day[r]!;
      if (d < f) continue;
      if (d >= e) break;
      inPeriod++;
      c.revenue += cents[r]!;
      if (r === s) {
        c.primary_orders++;
        c.primary_revenue += cents[r]!;
      }
    }
    if (inPeriod > 0) {
      c.orders += inPeriod;
      c.unique_customers++;
      if (inPeriod >= 2) c.repeat_customers++;
    }
  }
  c.new_customers = c.primary_orders;
  return kpisFromCounts(c);
}

/** KPIs over `[from, to)` from order facts of all statuses (cancelled/refunded/zero ignored). */
export function periodKpis(orders: readonly OrderFact[], from: Day, to: Day): Kpis {
  return periodKpisTable(buildPurchaseTable(orders), from, to);
}

export interface KpiTrendPoint {
  /** `YYYY-MM`. */
  month: string;
  /** The bucket `[from, to)`: the month clipped to the requested period. */
  from: Day;
  to: Day;
  kpis: Kpis;
}

/**
 * KPIs for each consecutive calendar month overlapping `[from, to)`; the first and last
 * buckets are clipped to the period, so the buckets' orders and revenue add up to the period's.
 */
export function kpiTrend(
  source: PurchaseTable | readonly OrderFact[],
  from: Day,
  to: Day,
  by: 'month' = 'month',
): KpiTrendPoint[] {
  if (by !== 'month') throw new RangeError(`unknown trend bucket: ${String(by)}`);
  const t = Array.isArray(source) ? buildPurchaseTable(source) : (source as PurchaseTable);
  const [f, e] = checkPeriod(from, to);
  if (e === f) return [];
  const m0 = monthIndexOfDay(f);
  const buckets = monthIndexOfDay(e - 1) - m0 + 1;
  const counts: KpiCounts[] = Array.from({ length: buckets }, () => ({
    orders: 0,
    revenue: 0,
    primary_orders: 0,
    primary_revenue: 0,
    unique_customers: 0,
    new_customers: 0,
    repeat_customers: 0,
  }));
  const { offset, day, cents } = t;
  const month = monthIndexTable(f, e);
  for (let k = 0; k < t.customers; k++) {
    const s = offset[k]!;
    const end = offset[k + 1]!;
    let run = -1;
    let runCount = 0;
    for (let r = s; r <= end; r++) {
      let b = -1;
      if (r < end) {
        const d = day[r]!;
        if (d < f) continue;
        if (d < e) b = month[d - f]! - m0;
      }
      if (b !== run) {
        if (run >= 0) {
          const cur = counts[run]!;
          cur.unique_customers++;
          if (runCount >= 2) cur.repeat_customers++;
        }
        run = b;
        runCount = 0;
      }
      if (b < 0) break;
      runCount++;
      const cur = counts[b]!;
      cur.orders++;
      cur.revenue += cents[r]!;
      if (r === s) {
        cur.primary_orders++;
        cur.primary_revenue += cents[r]!;
        cur.new_customers++;
      }
    }
  }
  return counts.map((c, i) => ({
    month: monthLabel(m0 + i),
    from: numberToDay(Math.max(f, monthStartDay(m0 + i))),
    to: numberToDay(Math.min(e, monthStartDay(m0 + i + 1))),
    kpis: kpisFromCounts(c),
  }));
}
