/**
 * Purchase cycle per service / product category (C6: "the cycle … per service category").
 *
 * Input: purchase lines `{customerId, day, category}` — lines of purchases only (the caller
 * joins order lines to purchases; a line with a `status` other than completed is dropped).
 * - Category cycle: the median (even count: mean of the two middle) of the intervals between
 *   a customer's consecutive distinct purchase days in that category, over all customers;
 *   null when the category has no interval.
 * - Per customer × category: cycle = the median of the customer's own intervals in the
 *   category when they have ≥ 2, else the category cycle; expected next purchase = last day
 *   in the category + ⌊cycle⌋ (the rounding of cycle.ts), null without a cycle.
 */
import type { Day } from '../day.ts';
import { dayToNumber, numberToDay } from '../day.ts';
import type { OrderStatus } from '../types.ts';
import { median, nextExpectedDayNumber } from './cycle.ts';

export interface CategoryPurchaseLine {
  customerId: number;
  day: Day;
  category: string;
  status?: OrderStatus;
}

export interface CategoryCycle {
  category: string;
  /** Median interval in days, null without intervals. */
  cycle: number | null;
  intervals: number;
  customers: number;
}

export interface CustomerCategoryNext {
  customerId: number;
  category: string;
  /** Distinct purchase days in the category. */
  purchaseDays: number;
  lastDay: Day;
  ownCycle: number | null;
  cycle: number | null;
  source: 'own' | 'category' | 'none';
  nextExpectedDay: Day | null;
}

interface Group {
  customerId: number;
  category: string;
  days: number[];
}

function groupLines(lines: Iterable<CategoryPurchaseLine>, asOf?: Day): Group[] {
  const limit = asOf === undefined ? Number.POSITIVE_INFINITY : dayToNumber(asOf);
  const byCategory = new Map<string, Map<number, Group>>();
  for (const line of lines) {
    if (line.status !== undefined && line.status !== 'completed') continue;
    const d = dayToNumber(line.day);
    if (d > limit) continue;
    let customers = byCategory.get(line.category);
    if (!customers) {
      customers = new Map();
      byCategory.set(line.category, customers);
    }
    let g = customers.get(line.customerId);
    if (!g) {
      g = { customerId: line.customerId, category: line.category, days: [] };
      customers.set(line.customerId, g);
    }
    g.days.push(d);
  }
  const out: Group[] = [];
  for (const customers of byCategory.values()) {
    for (const g of customers.values()) {
      g.days = [...new Set(g.days)].sort((a, b) => a - b);
      out.push(g);
    }
  }
  return out;
}

function intervals(days: readonly number[]): number[] {
  return days.slice(1).map((d, i) => d - days[i]!);
}

function cyclesOf(groups: readonly Group[]): Map<string, CategoryCycle> {
  const all = new Map<string, { values: number[]; customers: number }>();
  for (const g of groups) {
    let acc = all.get(g.category);
    if (!acc) {
      acc = { values: [], customers: 0 };
      all.set(g.category, acc);
    }
    acc.customers++;
    for (const x of intervals(g.days)) acc.values.push(x);
  }
  const out = new Map<string, CategoryCycle>();
  for (const [category, acc] of [...all].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    out.set(category, {
      category,
      cycle: median(acc.values),
      intervals: acc.values.length,
      customers: acc.customers,
    });
  }
  return out;
}

/** The cycle of each category (categories sorted by name). */
export function categoryCycles(
  lines: Iterable<CategoryPurchaseLine>,
  asOf?: Day,
): Map<string, CategoryCycle> {
  return cyclesOf(groupLines(lines, asOf));
}

/** Expected next purchase per customer × category (sorted by customer, then category). */
export function customerCategoryNext(
  lines: Iterable<CategoryPurchaseLine>,
  asOf?: Day,
): CustomerCategoryNext[] {
  const groups = groupLines(lines, asOf);
  const cycles = cyclesOf(groups);
  const out = groups.map((g): CustomerCategoryNext => {
    const own = intervals(g.days);
    const ownCycle = own.length >= 2 ? median(own) : null;
    const cycle = ownCycle ?? cycles.get(g.category)?.cycle ?? null;
    const last = g.days[g.days.length - 1]!;
    return {
      customerId: g.customerId,
      category: g.category,
      purchaseDays: g.days.length,
      lastDay: numberToDay(last),
      ownCycle,
      cycle,
      source: ownCycle !== null ? 'own' : cycle !== null ? 'category' : 'none',
      nextExpectedDay: cycle === null ? null : numberToDay(nextExpectedDayNumber(last, cycle)),
    };
  });
  return out.sort((a, b) =>
    a.customerId !== b.customerId
      ? a.customerId - b.customerId
      : a.category < b.category
        ? -1
        : a.category > b.category
          ? 1
          : 0,
  );
}
