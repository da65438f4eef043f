/**
 * RFM as of A (PRODUCT.md "RFM as of A"). Over purchases up to A: R = days since the last
 * purchase, F = number of purchases (orders, not days), M = sum of amounts (cents).
 *
 * Quantile scores, n = customers with ≥ 1 purchase, ties share the score:
 * - F, M: `1 + floor(5 × (customers with a strictly smaller value) / n)`
 * - R:    `1 + floor(5 × (customers with strictly more days) / n)` (fewer days is better)
 * Computed on sorted copies with binary search: O(n log n).
 *
 * Fixed thresholds (`rfm_mode = fixed`): 4 ascending cut points t1..t4 per score.
 * - F, M: value < t1 → 1, t1 ≤ value < t2 → 2, …, value ≥ t4 → 5.
 * - R (days): days < t1 → 5, t1 ≤ days < t2 → 4, …, days ≥ t4 → 1.
 * In settings the M cut points are in major currency units (what a user types: 5000 = 5,000 ₽);
 * `rfmThresholdsFromSettings` converts them to cents. `rfm_mode = fixed` without thresholds
 * falls back to the quantile rule.
 */
import type { Settings } from '../settings.ts';
import { lowerBound, upperBound } from './purchases.ts';

/** Every RFM segment name, best first. */
export const RFM_SEGMENTS = [
  'champions',
  'loyal',
  'potential_loyalist',
  'new',
  'promising',
  'need_attention',
  'about_to_sleep',
  'at_risk',
  'cant_lose',
  'hibernating',
] as const;
export type RfmSegment = (typeof RFM_SEGMENTS)[number];

/** The 5×5 grid, `RFM_GRID[r - 1][f - 1]`. */
export const RFM_GRID: readonly (readonly RfmSegment[])[] = [
  ['hibernating', 'hibernating', 'at_risk', 'at_risk', 'cant_lose'],
  ['hibernating', 'hibernating', 'at_risk', 'at_risk', 'cant_lose'],
  ['about_to_sleep', 'about_to_sleep', 'need_attention', 'loyal', 'loyal'],
  ['promising', 'potential_loyalist', 'potential_loyalist', 'loyal', 'loyal'],
  ['new', 'potential_loyalist', 'potential_loyalist', 'champions', 'champions'],
];

/** `GRID_CODES[(r - 1) * 5 + (f - 1)]` = index of the cell's segment in `RFM_SEGMENTS`. */
const GRID_CODES = Uint8Array.from(RFM_GRID.flat(), (s) => RFM_SEGMENTS.indexOf(s));

function checkScore(score: number): void {
  if (!Number.isInteger(score) || score < 1 || score > 5)
    throw new RangeError(`not an RFM score 1–5: ${score}`);
}

/** Segment of an (R, F) pair of scores. */
export function rfmSegment(r: number, f: number): RfmSegment {
  checkScore(r);
  checkScore(f);
  return RFM_GRID[r - 1]![f - 1]!;
}

/** Index of the segment of (R, F) in `RFM_SEGMENTS`. */
export function rfmSegmentCode(r: number, f: number): number {
  checkScore(r);
  checkScore(f);
  return GRID_CODES[(r - 1) * 5 + (f - 1)]!;
}

/** F or M quantile score of `value` against an ascending population of size n. */
export function quantileScoreHigherBetter(
  sorted: ArrayLike<number>,
  value: number,
  n = sorted.length,
): number {
  return 1 + Math.floor((5 * lowerBound(sorted, value, n)) / n);
}

/** R quantile score of `days` against an ascending population of size n. */
export function quantileScoreLowerBetter(sorted: ArrayLike<number>, days: number, n = sorted.length): number {
  return 1 + Math.floor((5 * (n - upperBound(sorted, days, n))) / n);
}

/** F or M fixed-threshold score. */
export function fixedScoreHigherBetter(thresholds: readonly number[], value: number): number {
  let score = 1;
  for (const t of thresholds) if (value >= t) score++;
  return score;
}

/** R fixed-threshold score (days). */
export function fixedScoreLowerBetter(thresholds: readonly number[], days: number): number {
  let score = 5;
  for (const t of thresholds) if (days >= t) score--;
  return score;
}

/** Scores one customer's values. */
export interface RfmScorer {
  readonly mode: 'quantile' | 'fixed';
  r(days: number): number;
  f(purchases: number): number;
  m(cents: number): number;
}

/** The R, F, M values of every customer with ≥ 1 purchase, each sorted ascending. */
export interface RfmPopulation {
  readonly n: number;
  readonly recency: Float64Array;
  readonly frequency: Float64Array;
  readonly monetary: Float64Array;
}

/** Population from unsorted value lists of equal length (customers with ≥ 1 purchase). */
export function rfmPopulation(values: {
  recency: ArrayLike<number>;
  frequency: ArrayLike<number>;
  monetary: ArrayLike<number>;
}): RfmPopulation {
  const n = values.recency.length;
  if (values.frequency.length !== n || values.monetary.length !== n)
    throw new RangeError('R, F, M lists differ in length');
  return {
    n,
    recency: Float64Array.from(values.recency).sort(),
    frequency: Float64Array.from(values.frequency).sort(),
    monetary: Float64Array.from(values.monetary).sort(),
  };
}

/**
 * Counts over an ascending population: `below(v)` = elements < v, `atOrBelow(v)` = elements ≤ v.
 * Integer populations with a small range (days, purchase counts) get an O(1) prefix-count table;
 * others use binary search. Both give the same counts.
 */
export interface RankIndex {
  below(value: number): number;
  atOrBelow(value: number): number;
}

export function rankIndex(sorted: ArrayLike<number>, n = sorted.length): RankIndex {
  const binary: RankIndex = {
    below: (v) => lowerBound(sorted, v, n),
    atOrBelow: (v) => upperBound(sorted, v, n),
  };
  if (n === 0) return binary;
  const min = sorted[0]!;
  const max = sorted[n - 1]!;
  if (!Number.isInteger(min) || !Number.isInteger(max) || max - min > 4 * n + 1024) return binary;
  for (let i = 0; i < n; i++) if (!Number.isInteger(sorted[i])) return binary;
  // less[k] = elements < min + k, k = 0 … range + 1
  const less = new Int32Array(max - min + 2);
  let j = 0;
  for (let k = 0; k < less.length; k++) {
    while (j < n && sorted[j]! < min + k) j++;
    less[k] = j;
  }
  const below = (v: number): number =>
    v <= min ? 0 : v > max ? n : Number.isInteger(v) ? less[v - min]! : lowerBound(sorted, v, n);
  return { below, atOrBelow: (v) => (Number.isInteger(v) ? below(v + 1) : upperBound(sorted, v, n)) };
}

export function quantileScorer(p: RfmPopulation): RfmScorer {
  if (p.n === 0) throw new RangeError('quantile RFM needs at least one customer with a purchase');
  const n = p.n;
  const r = rankIndex(p.recency, n);
  const f = rankIndex(p.frequency, n);
  const m = rankIndex(p.monetary, n);
  // The formulas of the module comment, on counts from the rank indexes.
  return {
    mode: 'quantile',
    r: (days) => 1 + Math.floor((5 * (n - r.atOrBelow(days))) / n),
    f: (count) => 1 + Math.floor((5 * f.below(count)) / n),
    m: (cents) => 1 + Math.floor((5 * m.below(cents)) / n),
  };
}

/** Fixed thresholds, M in cents. */
export interface RfmThresholds {
  r: readonly number[];
  f: readonly number[];
  m: readonly number[];
}

function checkThresholds(name: string, t: readonly number[]): void {
  if (t.length !== 4) throw new RangeError(`${name}: 4 cut points expected`);
  for (let i = 1; i < 4; i++)
    if (!(t[i]! >= t[i - 1]!)) throw new RangeError(`${name}: cut points must ascend`);
}

export function fixedScorer(t: RfmThresholds): RfmScorer {
  checkThresholds('r', t.r);
  checkThresholds('f', t.f);
  checkThresholds('m', t.m);
  return {
    mode: 'fixed',
    r: (days) => fixedScoreLowerBetter(t.r, days),
    f: (count) => fixedScoreHigherBetter(t.f, count),
    m: (cents) => fixedScoreHigherBetter(t.m, cents),
  };
}

/** Settings thresholds (M in major units) → thresholds in cents; null when quantile applies. */
export function rfmThresholdsFromSettings(
  settings: Pick<Settings, 'rfm_mode' | 'rfm_thresholds'>,
): RfmThresholds | null {
  const t = settings.rfm_thresholds;
  if (settings.rfm_mode !== 'fixed' || t === null) return null;
  return { r: t.r, f: t.f, m: t.m.map((v) => Math.round(v * 100)) };
}

/**
 * The scorer the settings ask for: fixed thresholds, else quantile over `population`; null
 * when quantile applies and no population (or an empty one) is given.
 */
export function rfmScorerFor(
  settings: Pick<Settings, 'rfm_mode' | 'rfm_thresholds'>,
  population: RfmPopulation | null,
): RfmScorer | null {
  const fixed = rfmThresholdsFromSettings(settings);
  if (fixed) return fixedScorer(fixed);
  return population && population.n > 0 ? quantileScorer(population) : null;
}

export interface RfmRow {
  customerId: number;
  recency: number;
  frequency: number;
  monetary: number;
}

export interface RfmScored extends RfmRow {
  r: number;
  f: number;
  m: number;
  segment: RfmSegment;
}

/** Scores and segments for a list of customers' values; quantile over the list itself. */
export function scoreRfm(
  rows: readonly RfmRow[],
  settings: Pick<Settings, 'rfm_mode' | 'rfm_thresholds'>,
): RfmScored[] {
  if (rows.length === 0) return [];
  const population = rfmPopulation({
    recency: rows.map((x) => x.recency),
    frequency: rows.map((x) => x.frequency),
    monetary: rows.map((x) => x.monetary),
  });
  const scorer = rfmScorerFor(settings, population)!;
  return rows.map((x) => {
    const r = scorer.r(x.recency);
    const f = scorer.f(x.frequency);
    return { ...x, r, f, m: scorer.m(x.monetary), segment: rfmSegment(r, f) };
  });
}
