/**
 * Purchase cycle (PRODUCT.md "Purchase cycle").
 *
 * Intervals are the day differences between a customer's consecutive purchase days.
 * - `C_w` (workspace): the `cycle_days` setting, else the median of all intervals of all
 *   customers (even count: mean of the two middle values). With no setting and no interval at
 *   all (every customer bought on one day only) `C_w` is **null**: nothing is known about the
 *   rhythm of the business, so no customer is called overdue — lifecycle treats a null cycle as
 *   "never passes" (newbie/fan stay newbie/fan, never sleeping/lost) and the expected next
 *   purchase is null. This is explicit instead of an invented default of N days.
 * - `C_c` (customer): median of the customer's own intervals when they have ≥ 2, else `C_w`.
 * - Expected next purchase = last purchase day + `C_c`, rounded **down** to a whole day:
 *   `C_c` can be fractional (a median of two values, or a fractional setting). Rounding down
 *   keeps one invariant for every cycle: on the expected day the customer is still within the
 *   cycle (days since ≤ `C_c`: newbie/fan), on the day after they are sleeping.
 *
 * The workspace median comes from a histogram of interval lengths (length → count), which the
 * app can maintain incrementally: when a customer's purchase days change, remove their old
 * intervals and add the new ones, then take `medianFromHistogram`.
 */
import type { Day } from '../day.ts';
import { dayToNumber, numberToDay } from '../day.ts';
import type { Settings } from '../settings.ts';
import type { PurchaseTable } from './purchases.ts';

/** Interval length in days → number of intervals of that length. */
export type IntervalHistogram = Map<number, number>;

/** Add (count > 0) or remove (count < 0) intervals of the given lengths. */
export function addIntervals(
  h: IntervalHistogram,
  intervals: Iterable<number>,
  count = 1,
): IntervalHistogram {
  for (const len of intervals) {
    const next = (h.get(len) ?? 0) + count;
    if (next < 0) throw new RangeError(`interval ${len} removed more often than added`);
    if (next === 0) h.delete(len);
    else h.set(len, next);
  }
  return h;
}

/** Remove intervals previously added. */
export function removeIntervals(h: IntervalHistogram, intervals: Iterable<number>): IntervalHistogram {
  return addIntervals(h, intervals, -1);
}

/** Median of a histogram: the middle value, or the mean of the two middle values; null if empty. */
export function medianFromHistogram(h: ReadonlyMap<number, number>): number | null {
  let total = 0;
  for (const n of h.values()) total += n;
  if (total === 0) return null;
  const keys = [...h.keys()].filter((k) => h.get(k)! > 0).sort((a, b) => a - b);
  // 1-based ranks of the two middle values (equal for an odd total).
  const lo = Math.floor((total + 1) / 2);
  const hi = Math.floor(total / 2) + 1;
  let seen = 0;
  let low: number | null = null;
  for (const k of keys) {
    seen += h.get(k)!;
    if (low === null && seen >= lo) low = k;
    if (seen >= hi) return (low! + k) / 2;
  }
  return low;
}

/** Median of a list of numbers (does not modify it); null when empty. */
export function median(values: ArrayLike<number>): number | null {
  const n = values.length;
  if (n === 0) return null;
  const sorted = Float64Array.from(values).sort();
  return medianOfSorted(sorted, n);
}

/** Median of the first `n` values of an ascending array (n ≥ 1). */
export function medianOfSorted(sorted: ArrayLike<number>, n: number): number {
  const mid = n >>> 1;
  return n % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Sort the first `n` values of `buf` in place and return their median (hot path: no allocation
 * for short lists).
 */
export function medianInPlace(buf: Float64Array, n: number): number {
  if (n <= 32) {
    for (let i = 1; i < n; i++) {
      const v = buf[i]!;
      let j = i - 1;
      while (j >= 0 && buf[j]! > v) {
        buf[j + 1] = buf[j]!;
        j--;
      }
      buf[j + 1] = v;
    }
  } else {
    buf.subarray(0, n).sort();
  }
  return medianOfSorted(buf, n);
}

/** Intervals between consecutive distinct days (ascending epoch days or `Day`s). */
export function intervalsOf(days: readonly (number | Day)[]): number[] {
  const nums = days.map((d) => (typeof d === 'number' ? d : dayToNumber(d)));
  const out: number[] = [];
  for (let i = 1; i < nums.length; i++) {
    if (nums[i]! < nums[i - 1]!) throw new RangeError('purchase days must be ascending');
    if (nums[i] !== nums[i - 1]) out.push(nums[i]! - nums[i - 1]!);
  }
  return out;
}

/** Histogram of all intervals of all customers, over purchases up to `asOf` (all when omitted). */
export function intervalHistogram(t: PurchaseTable, asOf?: Day | number): IntervalHistogram {
  const limit =
    asOf === undefined ? Number.POSITIVE_INFINITY : typeof asOf === 'number' ? asOf : dayToNumber(asOf);
  const { offset, day } = t;
  // Dense counting first (interval lengths are bounded by the data's day span), then a Map.
  let minDay = Number.POSITIVE_INFINITY;
  let maxDay = Number.NEGATIVE_INFINITY;
  for (let r = 0; r < t.rows; r++) {
    const d = day[r]!;
    if (d > limit) continue;
    if (d < minDay) minDay = d;
    if (d > maxDay) maxDay = d;
  }
  const h: IntervalHistogram = new Map();
  if (!(maxDay > minDay)) return h;
  const dense = new Float64Array(maxDay - minDay + 1);
  for (let c = 0; c < t.customers; c++) {
    const e = offset[c + 1]!;
    let r = offset[c]!;
    if (r === e) continue;
    let prev = day[r]!;
    if (prev > limit) continue;
    for (r++; r < e; r++) {
      const d = day[r]!;
      if (d > limit) break;
      if (d !== prev) {
        dense[d - prev]!++;
        prev = d;
      }
    }
  }
  for (let len = 1; len < dense.length; len++) if (dense[len]! > 0) h.set(len, dense[len]!);
  return h;
}

export type WorkspaceCycleSource = 'setting' | 'learned' | 'none';

export interface WorkspaceCycle {
  /** `C_w` in days, null when unset and nothing can be learned. */
  days: number | null;
  source: WorkspaceCycleSource;
  /** Number of intervals the learned value is the median of (0 when the setting is used). */
  intervals: number;
}

/** `C_w`: the setting when set, else the median of the histogram. */
export function workspaceCycle(
  settings: Pick<Settings, 'cycle_days'>,
  histogram: ReadonlyMap<number, number>,
): WorkspaceCycle {
  if (settings.cycle_days !== null) return { days: settings.cycle_days, source: 'setting', intervals: 0 };
  let intervals = 0;
  for (const n of histogram.values()) intervals += n;
  const days = medianFromHistogram(histogram);
  return { days, source: days === null ? 'none' : 'learned', intervals };
}

/**
 * `C_w` as of each of `days` (ascending epoch days) in one pass over the table: intervals are
 * counted per the first day they exist on (their end day), then accumulated, so each day's
 * value is the median of the intervals of purchases up to that day.
 */
export function workspaceCyclesAt(
  t: PurchaseTable,
  days: readonly number[],
  settings: Pick<Settings, 'cycle_days'>,
): WorkspaceCycle[] {
  for (let b = 1; b < days.length; b++) {
    if (!(days[b]! >= days[b - 1]!)) throw new RangeError('days must ascend');
  }
  if (settings.cycle_days !== null || days.length === 0) {
    return days.map(() => workspaceCycle(settings, new Map()));
  }
  const last = days[days.length - 1]!;
  const { offset, day } = t;
  let minDay = Number.POSITIVE_INFINITY;
  for (let c = 0; c < t.customers; c++) {
    if (offset[c]! < offset[c + 1]!) minDay = Math.min(minDay, day[offset[c]!]!);
  }
  if (!(minDay < last)) return days.map(() => workspaceCycle(settings, new Map()));
  const span = last - minDay + 1;
  // boundaryOf[d - minDay] = first b with days[b] ≥ d
  const boundaryOf = new Int32Array(span);
  for (let d = minDay, b = 0; d <= last; d++) {
    while (days[b]! < d) b++;
    boundaryOf[d - minDay] = b;
  }
  const counts = new Float64Array(days.length * span);
  for (let c = 0; c < t.customers; c++) {
    const e = offset[c + 1]!;
    let r = offset[c]!;
    if (r === e) continue;
    let prev = day[r]!;
    for (r++; r < e; r++) {
      const d = day[r]!;
      if (d > last) break;
      if (d !== prev) {
        counts[boundaryOf[d - minDay]! * span + (d - prev)]!++;
        prev = d;
      }
    }
  }
  const out: WorkspaceCycle[] = [];
  const acc = new Float64Array(span);
  let total = 0;
  for (let b = 0; b < days.length; b++) {
    for (let len = 1; len < span; len++) {
      const n = counts[b * span + len]!;
      acc[len]! += n;
      total += n;
    }
    const median = medianFromDense(acc, total);
    out.push({ days: median, source: median === null ? 'none' : 'learned', intervals: total });
  }
  return out;
}

/** Median of a dense histogram (index = value) holding `total` values; null when empty. */
function medianFromDense(counts: Float64Array, total: number): number | null {
  if (total === 0) return null;
  const lo = Math.floor((total + 1) / 2);
  const hi = Math.floor(total / 2) + 1;
  let seen = 0;
  let low = -1;
  for (let v = 0; v < counts.length; v++) {
    seen += counts[v]!;
    if (low < 0 && seen >= lo) low = v;
    if (seen >= hi) return (low + v) / 2;
  }
  return low;
}

/** `C_w` as of `asOf` learned from the table (intervals of purchases up to `asOf`). */
export function workspaceCycleOf(
  t: PurchaseTable,
  asOf: Day | number,
  settings: Pick<Settings, 'cycle_days'>,
): WorkspaceCycle {
  return workspaceCyclesAt(t, [typeof asOf === 'number' ? asOf : dayToNumber(asOf)], settings)[0]!;
}

export type CustomerCycleSource = 'own' | 'workspace' | 'none';

export interface CustomerCycle {
  /** `C_c` in days, null when the customer has < 2 intervals and `C_w` is null. */
  days: number | null;
  source: CustomerCycleSource;
  /** Median of the customer's own intervals when they have ≥ 2, else null. */
  own: number | null;
}

/** `C_c` from the customer's own intervals and `C_w`. */
export function customerCycle(ownIntervals: ArrayLike<number>, workspaceDays: number | null): CustomerCycle {
  if (ownIntervals.length >= 2) {
    const own = median(ownIntervals)!;
    return { days: own, source: 'own', own };
  }
  return { days: workspaceDays, source: workspaceDays === null ? 'none' : 'workspace', own: null };
}

/** Expected next purchase as an epoch day: last + ⌊cycle⌋ (see the module comment). */
export function nextExpectedDayNumber(lastDay: number, cycle: number): number {
  return lastDay + Math.floor(cycle);
}

/** Expected next purchase day, null when there is no purchase or no cycle. */
export function expectedNextDay(lastDay: Day | null, cycle: number | null): Day | null {
  if (lastDay === null || cycle === null) return null;
  return numberToDay(nextExpectedDayNumber(dayToNumber(lastDay), cycle));
}
