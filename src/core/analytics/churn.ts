/**
 * Monthly churn (PRODUCT.md "LTV": "the share of customers active at the start of a month who
 * became `lost` during it, averaged over the period's months").
 *
 * The period `[from, to)` is cut at calendar-month starts into segments `[s, e)`; the first and
 * last may be partial. For each segment:
 * - the base = customers whose status as of `s` is in the base set (below);
 * - churned = those of the base whose status as of `e` is `lost` (`e` = the first day of the
 *   next month, or `to` for the last, partial segment);
 * - churn = churned / base, null when the base is empty.
 * Statuses are the lifecycle statuses as of that day (purchases up to it, `C_w` learned from the
 * data up to it unless given, manual marks set by then).
 *
 * The base. `active` = newbie or fan as of `s`. `not_lost` (the default) = newbie, fan or
 * sleeping. Why the default is not `active`: a newbie/fan has days since ≤ C_c, and becomes
 * lost only after days since > L × C_c, i.e. at least (L − 1) × C_c days later. With the
 * default L = 3 any business with a cycle above ~15 days (a salon at 28 days, a clinic at 90)
 * would show a churn of exactly 0 every month, and T and LTV would never exist. Counting the
 * sleeping customers, who are not yet gone, makes churn the monthly rate of crossing into
 * `lost`, and T = 1 / churn the expected lifetime in months. `active` stays available.
 */
import type { Day } from '../day.ts';
import { dayToNumber, numberToDay } from '../day.ts';
import type { Settings } from '../settings.ts';
import { monthIndexOfDay, monthLabel, monthStartDay } from './calendar.ts';
import type { ManualStatus } from './lifecycle.ts';
import { STATUS_CODE } from './lifecycle.ts';
import type { PurchaseTable } from './purchases.ts';
import { statusesAtDays } from './recompute.ts';

export type ChurnBase = 'not_lost' | 'active';

export interface ChurnOptions {
  base?: ChurnBase;
  /** Fixed `C_w` for every day; default: the setting, else learned from the data up to each day. */
  workspaceCycle?: number | null;
  manual?: ReadonlyMap<number, ManualStatus>;
}

export interface MonthlyChurn {
  /** `YYYY-MM`. */
  month: string;
  from: Day;
  to: Day;
  /** Customers in the base at `from`. */
  base: number;
  /** Of those, lost as of `to`. */
  churned: number;
  churn: number | null;
}

/** Churn per month segment of `[from, to)`. */
export function monthlyChurn(
  t: PurchaseTable,
  from: Day,
  to: Day,
  settings: Pick<Settings, 'cycle_days' | 'lost_multiplier'>,
  options: ChurnOptions = {},
): MonthlyChurn[] {
  const f = dayToNumber(from);
  const e = dayToNumber(to);
  if (e < f) throw new RangeError(`period ends before it starts: [${from}, ${to})`);
  if (e === f) return [];
  const bounds = [f];
  for (let m = monthIndexOfDay(f) + 1; monthStartDay(m) < e; m++) bounds.push(monthStartDay(m));
  bounds.push(e);
  const statuses = statusesAtDays(t, bounds, settings, {
    workspaceCycle: options.workspaceCycle,
    manual: options.manual,
  });
  const inBase =
    (options.base ?? 'not_lost') === 'active'
      ? (s: number) => s === STATUS_CODE.newbie || s === STATUS_CODE.fan
      : (s: number) => s === STATUS_CODE.newbie || s === STATUS_CODE.fan || s === STATUS_CODE.sleeping;
  const out: MonthlyChurn[] = [];
  for (let k = 0; k + 1 < bounds.length; k++) {
    const start = statuses[k]!;
    const end = statuses[k + 1]!;
    let base = 0;
    let churned = 0;
    for (let c = 0; c < t.customers; c++) {
      if (!inBase(start[c]!)) continue;
      base++;
      if (end[c] === STATUS_CODE.lost) churned++;
    }
    out.push({
      month: monthLabel(monthIndexOfDay(bounds[k]!)),
      from: numberToDay(bounds[k]!),
      to: numberToDay(bounds[k + 1]!),
      base,
      churned,
      churn: base === 0 ? null : churned / base,
    });
  }
  return out;
}

/**
 * Mean of the months' churn, over the months where it exists (a partial first or last month
 * weighs like a full one); null when none does.
 */
export function averageChurn(series: readonly MonthlyChurn[]): number | null {
  let sum = 0;
  let n = 0;
  for (const m of series) {
    if (m.churn === null) continue;
    sum += m.churn;
    n++;
  }
  return n === 0 ? null : sum / n;
}
