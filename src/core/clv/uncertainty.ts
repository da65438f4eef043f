/**
 * An interval for a base-level total of BG/NBD conditional expectations, e.g. expected repeat
 * revenue in the next 90 days = Σᵢ E[Xᵢ(t) | xᵢ, txᵢ, Tᵢ] · wᵢ (wᵢ = the customer's expected spend),
 * from the uncertainty of the fitted parameters (r, α, a, b).
 *
 * Method: the delta method on the log of the total. The gradient of S(θ) is taken by central
 * differences in log-parameters (step 1e-4), mapped to natural parameters and combined with the
 * fit's covariance (the inverse observed information): Var S ≈ gᵀ Σ g. The interval is
 * S · exp(± z · sd(S) / S) — log-scale, so it stays positive and is wider upwards, as the
 * sampling distribution of a positive total is.
 *
 * What it is NOT: it does not include the Poisson/dropout noise of the purchases themselves
 * (the realised total scatters around the expectation even with known parameters) nor the
 * uncertainty of the spend model (wᵢ are taken as given). It answers "how sure is the model of
 * its own average", which is what a parameter fit on a small base is least sure about.
 */
import { type BgNbdParams, conditionalExpectedPurchases, type FrequencyRecency } from './bgnbd.ts';

export interface Band {
  estimate: number;
  low: number;
  high: number;
  /** Two-sided coverage, e.g. 0.9. */
  level: number;
}

/** z for the two-sided 80 / 90 / 95 % normal intervals. */
const Z: Record<string, number> = {
  '0.8': 1.2815515655446004,
  '0.9': 1.6448536269514722,
  '0.95': 1.959963984540054,
};

const KEYS = ['r', 'alpha', 'a', 'b'] as const;

/** Customers with equal (x, tx, T) share one expectation: group them, summing their weights. */
function group(customers: readonly FrequencyRecency[], weights: readonly number[] | null) {
  const byKey = new Map<string, { c: FrequencyRecency; w: number }>();
  customers.forEach((c, i) => {
    const key = `${c.x}|${c.tx}|${c.T}`;
    const w = weights ? weights[i]! : 1;
    const e = byKey.get(key);
    if (e) e.w += w;
    else byKey.set(key, { c, w });
  });
  return [...byKey.values()];
}

function total(p: BgNbdParams, groups: { c: FrequencyRecency; w: number }[], t: number): number {
  let s = 0;
  for (const { c, w } of groups) if (w !== 0) s += w * conditionalExpectedPurchases(p, t, c.x, c.tx, c.T);
  return s;
}

/**
 * Σ wᵢ E[Xᵢ(t) | …] with a `level` interval (default 0.9). `weights` null = 1 each (expected
 * purchases). Returns the interval collapsed to the estimate when the covariance is missing.
 */
export function expectedTotalBand(
  params: BgNbdParams,
  covariance: readonly (readonly number[])[] | null,
  customers: readonly FrequencyRecency[],
  t: number,
  weights: readonly number[] | null = null,
  level = 0.9,
): Band | null {
  const z = Z[String(level)];
  if (z === undefined) throw new RangeError(`level must be 0.8, 0.9 or 0.95, got ${level}`);
  const groups = group(customers, weights);
  const estimate = total(params, groups, t);
  if (!covariance || !(estimate > 0)) return null;
  const h = 1e-4;
  const grad = KEYS.map((k) => {
    const up = { ...params, [k]: params[k] * Math.exp(h) };
    const down = { ...params, [k]: params[k] * Math.exp(-h) };
    // dS/dθ = (dS/d ln θ) / θ
    return (total(up, groups, t) - total(down, groups, t)) / (2 * h) / params[k];
  });
  let variance = 0;
  for (let i = 0; i < 4; i++)
    for (let j = 0; j < 4; j++) variance += grad[i]! * covariance[i]![j]! * grad[j]!;
  if (!(variance >= 0) || !Number.isFinite(variance)) return null;
  const sdLog = Math.sqrt(variance) / estimate;
  return { estimate, low: estimate * Math.exp(-z * sdLog), high: estimate * Math.exp(z * sdLog), level };
}
