/**
 * Special functions for the buy-till-you-die models: log-gamma (Lanczos), digamma,
 * log-beta, log-sum-exp, and the Gauss hypergeometric function ₂F₁ for real arguments.
 * Pure numerics: no I/O, no clock, no randomness.
 */

const LN_SQRT_2PI = 0.9189385332046727; // ln √(2π)

// Lanczos approximation, g = 7, n = 9 (Numerical Recipes / Godfrey coefficients);
// relative error of Γ about 1e-15 on the positive axis.
const LANCZOS_G = 7;
const LANCZOS_C = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
] as const;

/**
 * ln |Γ(x)|. Lanczos for x ≥ 0.5, reflection Γ(x)Γ(1−x) = π / sin(πx) below.
 * Returns +Infinity at the poles (0, −1, −2, …).
 */
export function lgamma(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x === Number.POSITIVE_INFINITY) return Number.POSITIVE_INFINITY;
  if (x < 0.5) {
    if (Number.isInteger(x)) return Number.POSITIVE_INFINITY;
    const s = Math.sin(Math.PI * x);
    return Math.log(Math.PI / Math.abs(s)) - lgamma(1 - x);
  }
  // Exact small integers avoid the last-bit noise of Lanczos at 1 and 2.
  if (x === 1 || x === 2) return 0;
  const z = x - 1;
  let sum = LANCZOS_C[0];
  for (let i = 1; i < LANCZOS_G + 2; i++) sum += LANCZOS_C[i]! / (z + i);
  const t = z + LANCZOS_G + 0.5;
  return LN_SQRT_2PI + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** Γ(x) for moderate x (overflows to Infinity past ~171). */
export function gamma(x: number): number {
  if (x < 0.5) return Math.PI / (Math.sin(Math.PI * x) * gamma(1 - x));
  return Math.exp(lgamma(x));
}

/** ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b), for a, b > 0. */
export function lbeta(a: number, b: number): number {
  return lgamma(a) + lgamma(b) - lgamma(a + b);
}

/** ln [Γ(x + n) / Γ(x)] (log of the rising factorial (x)ₙ for integer n), for x > 0, x + n > 0. */
export function lgammaRatio(x: number, n: number): number {
  if (n === 0) return 0;
  // Short integer runs are summed exactly: cheaper and more accurate than two lgamma calls.
  if (Number.isInteger(n) && n > 0 && n <= 16) {
    let s = 0;
    for (let i = 0; i < n; i++) s += Math.log(x + i);
    return s;
  }
  return lgamma(x + n) - lgamma(x);
}

/** ψ(x) = d/dx ln Γ(x). Recurrence up to x ≥ 10, then the asymptotic series; reflection for x ≤ 0. */
export function digamma(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x <= 0) {
    if (Number.isInteger(x)) return Number.NaN;
    return digamma(1 - x) - Math.PI / Math.tan(Math.PI * x);
  }
  let result = 0;
  while (x < 10) {
    result -= 1 / x;
    x += 1;
  }
  const inv = 1 / x;
  const inv2 = inv * inv;
  // ln x − 1/(2x) − Σ B₂ₖ / (2k x^{2k})
  const series =
    inv2 *
    (1 / 12 -
      inv2 * (1 / 120 - inv2 * (1 / 252 - inv2 * (1 / 240 - inv2 * (1 / 132 - inv2 * (691 / 32760))))));
  return result + Math.log(x) - 0.5 * inv - series;
}

/** ln(eᵃ + eᵇ) without overflow. */
export function logAddExp(a: number, b: number): number {
  if (a === Number.NEGATIVE_INFINITY) return b;
  if (b === Number.NEGATIVE_INFINITY) return a;
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
}

/** ln Σ exp(xᵢ) without overflow; −Infinity for an empty list. */
export function logSumExp(xs: readonly number[]): number {
  let m = Number.NEGATIVE_INFINITY;
  for (const x of xs) if (x > m) m = x;
  if (m === Number.NEGATIVE_INFINITY || !Number.isFinite(m)) return m;
  let s = 0;
  for (const x of xs) s += Math.exp(x - m);
  return m + Math.log(s);
}

/** 1 / (1 + eˣ), computed without overflow. */
export function logisticOfNeg(x: number): number {
  if (x >= 0) {
    const e = Math.exp(-x);
    return e / (1 + e);
  }
  return 1 / (1 + Math.exp(x));
}

const SERIES_EPS = 1e-16;
const SERIES_MAX_TERMS = 2_000_000;

/**
 * Σ_{n≥0} (a)ₙ(b)ₙ / ((c)ₙ n!) zⁿ for |z| < 1 (or a terminating series). Sums until the terms
 * are past their peak and the geometric tail bound is below 1e-16 of the sum.
 * Throws when c is a non-positive integer or the series fails to converge.
 */
function hyp2f1Series(a: number, b: number, c: number, z: number): number {
  let term = 1;
  let sum = 1;
  for (let n = 0; n < SERIES_MAX_TERMS; n++) {
    const ratio = (((a + n) * (b + n)) / ((c + n) * (n + 1))) * z;
    if (ratio === 0) return sum; // terminating (a or b a non-positive integer) or z = 0
    term *= ratio;
    sum += term;
    if (!Number.isFinite(sum)) throw new RangeError('hyp2f1: series overflow');
    // Once n is past a, b and c the ratio moves monotonically toward z, so the tail is
    // bounded by |term| · r / (1 − r) with r the current |ratio| (or |z| if that is larger).
    if (n > Math.abs(a) + Math.abs(b) + Math.abs(c) + 2) {
      const r = Math.max(Math.abs(ratio), Math.abs(z));
      if (r < 1 && (Math.abs(term) * r) / (1 - r) <= SERIES_EPS * Math.abs(sum)) return sum;
    }
  }
  throw new RangeError(`hyp2f1: no convergence for a=${a} b=${b} c=${c} z=${z}`);
}

/**
 * Gauss hypergeometric ₂F₁(a, b; c; z) for real z ≤ 1.
 * - z < 0: Pfaff transformation (1 − z)^{−a} ₂F₁(a, c − b; c; z/(z − 1)), whose argument is in [0, 1).
 * - 0 ≤ z < 1: the power series, after Euler's transformation
 *   (1 − z)^{c−a−b} ₂F₁(c − a, c − b; c; z) when that makes the terms decay faster (c < a + b).
 * - z = 1: Gauss's theorem Γ(c)Γ(c−a−b) / (Γ(c−a)Γ(c−b)), for c − a − b > 0.
 * Convergence slows as z → 1 (about ln(ε)/ln(z) terms); fine for z up to ~0.999.
 */
export function hyp2f1(a: number, b: number, c: number, z: number): number {
  if (Number.isInteger(c) && c <= 0) throw new RangeError('hyp2f1: c must not be a non-positive integer');
  if (z > 1) throw new RangeError('hyp2f1: z > 1 is outside the real domain handled here');
  if (z === 1) {
    if (c - a - b <= 0) return Number.POSITIVE_INFINITY;
    const sign = gammaSign(c) * gammaSign(c - a - b) * gammaSign(c - a) * gammaSign(c - b);
    return sign * Math.exp(lgamma(c) + lgamma(c - a - b) - lgamma(c - a) - lgamma(c - b));
  }
  if (z < 0) {
    // Pfaff: pick the parameter that keeps the transformed series tamer (terminating if possible).
    const w = z / (z - 1);
    if (Number.isInteger(c - a) && c - a <= 0) {
      return (1 - z) ** -b * hyp2f1Positive(b, c - a, c, w);
    }
    return (1 - z) ** -a * hyp2f1Positive(a, c - b, c, w);
  }
  return hyp2f1Positive(a, b, c, z);
}

function hyp2f1Positive(a: number, b: number, c: number, z: number): number {
  const terminating = (Number.isInteger(a) && a <= 0) || (Number.isInteger(b) && b <= 0);
  if (!terminating && c < a + b && z > 0.5) {
    return (1 - z) ** (c - a - b) * hyp2f1Series(c - a, c - b, c, z);
  }
  return hyp2f1Series(a, b, c, z);
}

/** Sign of Γ(x) (+1 for x > 0; alternating between the poles for x < 0). */
function gammaSign(x: number): number {
  if (x > 0) return 1;
  return Math.floor(x) % 2 === 0 ? 1 : -1;
}
