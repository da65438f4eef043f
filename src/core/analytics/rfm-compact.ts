/**
 * A five-value stand-in for an RFM population that gives every possible value exactly the
 * quantile score the full population gives it. Stored with the workspace after each full
 * evaluation, it lets one customer's new order be scored in O(1) without loading the base.
 *
 * Why it is exact: for F and M, score(v) = 1 + floor(5·below(v)/n) ≥ s ⇔ below(v) ≥ k_s with
 * k_s = ceil((s−1)·n/5) ⇔ v > sorted[k_s − 1]. So four cut points t_2..t_5 decide the score,
 * and the population [t_2, t_3, t_4, t_5, +∞] (n = 5) reproduces it. R is the mirror image.
 */
import type { RfmPopulation } from './rfm.ts';

export interface RfmCutPoints {
  /** Ascending: a recency is scored by how many of these are strictly greater. */
  r: number[];
  /** Ascending: F and M are scored by how many of these are strictly smaller. */
  f: number[];
  m: number[];
}

function thresholdsHigherBetter(sorted: ArrayLike<number>, n: number): number[] {
  const out: number[] = [];
  for (let s = 2; s <= 5; s++) out.push(sorted[Math.ceil(((s - 1) * n) / 5) - 1]!);
  return out;
}

function thresholdsLowerBetter(sorted: ArrayLike<number>, n: number): number[] {
  const out: number[] = [];
  for (let s = 5; s >= 2; s--) out.push(sorted[n - Math.ceil(((s - 1) * n) / 5)]!);
  return out;
}

/** Cut points of a non-empty population. */
export function rfmCutPoints(p: RfmPopulation): RfmCutPoints {
  if (p.n === 0) throw new RangeError('an empty population has no cut points');
  return {
    r: thresholdsLowerBetter(p.recency, p.n),
    f: thresholdsHigherBetter(p.frequency, p.n),
    m: thresholdsHigherBetter(p.monetary, p.n),
  };
}

/** The five-value population that scores like the one the cut points came from. */
export function populationFromCutPoints(c: RfmCutPoints): RfmPopulation {
  return {
    n: 5,
    recency: Float64Array.from([Number.NEGATIVE_INFINITY, ...c.r]),
    frequency: Float64Array.from([...c.f, Number.POSITIVE_INFINITY]),
    monetary: Float64Array.from([...c.m, Number.POSITIVE_INFINITY]),
  };
}
