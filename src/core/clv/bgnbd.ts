/**
 * BG/NBD — Fader, Hardie & Lee (2005), "Counting your customers the easy way: an alternative
 * to the Pareto/NBD model". While alive a customer buys at Poisson rate λ ~ Gamma(r, α);
 * after every purchase they drop out with probability p ~ Beta(a, b).
 *
 * Per-customer data (see summary.ts): x = repeat purchases (distinct purchase days − 1),
 * tx = time of the last purchase since the first, T = time from the first purchase to the
 * end of calibration, all in one time unit (days or weeks).
 */
import { cholesky, hessianFromGradient, invertSpd, minimizeBfgs, minimizeNelderMead } from './optimize.ts';
import { digamma, lbeta, lgamma, logAddExp, logisticOfNeg } from './special.ts';

export interface FrequencyRecency {
  /** Repeat purchases (≥ 0, integer). */
  x: number;
  /** Time of the last purchase, measured from the first (0 when x = 0). */
  tx: number;
  /** Age: time from the first purchase to the end of calibration. */
  T: number;
}

export interface BgNbdParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

export interface BgNbdFit {
  params: BgNbdParams;
  logLikelihood: number;
  customers: number;
  repeatCustomers: number;
  /** √diag of the inverse observed information (numerical Hessian of −LL at the optimum); null if not PD. */
  standardErrors: BgNbdParams | null;
  /** Covariance of (r, α, a, b) = inverse observed information; null if the Hessian is not PD. */
  covariance: number[][] | null;
  hessianPositiveDefinite: boolean;
  converged: boolean;
  iterations: number;
  message: string;
}

export interface BgNbdFitOptions {
  /** Starting points; default r = α = a = b = 1 and a rate-scaled start (α = ΣT / Σx), best kept. */
  starts?: BgNbdParams[];
  /** Max |gradient| of the mean log-likelihood in log-parameters at which BFGS stops. */
  gradTol?: number;
}

/** Data packed for fast repeated likelihood evaluation: the x-only terms are grouped by x. */
interface Packed {
  n: number;
  x: Float64Array;
  tx: Float64Array;
  T: Float64Array;
  /** Customers in each row. */
  w: Float64Array;
  /** Distinct rows (≤ n). */
  rows: number;
  group: Int32Array;
  distinctX: number[];
  countX: number[];
  repeat: number;
}

function pack(data: readonly FrequencyRecency[]): Packed {
  const n = data.length;
  // Customers with the same (x, tx, T) — common with whole-day times — share one row with a
  // weight: the likelihood is a sum, so this is exact and makes each pass proportionally cheaper.
  const rowOf = new Map<string, number>();
  const xs: number[] = [];
  const txs: number[] = [];
  const Ts: number[] = [];
  const ws: number[] = [];
  const groups: number[] = [];
  const index = new Map<number, number>();
  const distinctX: number[] = [];
  const countX: number[] = [];
  let repeat = 0;
  for (let i = 0; i < n; i++) {
    const d = data[i]!;
    if (!(Number.isInteger(d.x) && d.x >= 0 && d.tx >= 0 && d.T >= d.tx && Number.isFinite(d.T))) {
      throw new RangeError(`BG/NBD: bad summary at ${i}: x=${d.x} tx=${d.tx} T=${d.T}`);
    }
    if (d.x > 0) repeat++;
    let g = index.get(d.x);
    if (g === undefined) {
      g = distinctX.length;
      index.set(d.x, g);
      distinctX.push(d.x);
      countX.push(0);
    }
    countX[g]! += 1;
    const key = `${d.x}|${d.x === 0 ? 0 : d.tx}|${d.T}`;
    const row = rowOf.get(key);
    if (row !== undefined) {
      ws[row]! += 1;
      continue;
    }
    rowOf.set(key, xs.length);
    xs.push(d.x);
    txs.push(d.tx);
    Ts.push(d.T);
    ws.push(1);
    groups.push(g);
  }
  return {
    n,
    rows: xs.length,
    x: Float64Array.from(xs),
    tx: Float64Array.from(txs),
    T: Float64Array.from(Ts),
    w: Float64Array.from(ws),
    group: Int32Array.from(groups),
    distinctX,
    countX,
    repeat,
  };
}

/** Log-likelihood and its gradient in (r, α, a, b), in one pass. */
function llAndGrad(p: BgNbdParams, d: Packed, wantGrad: boolean): { ll: number; grad: number[] } {
  const { r, alpha, a, b } = p;
  const lnAlpha = Math.log(alpha);
  const lnA = Math.log(a);
  const lgR = lgamma(r);
  const lgB = lgamma(b);
  const lgAB = lgamma(a + b);
  const psiR = wantGrad ? digamma(r) : 0;
  const psiB = wantGrad ? digamma(b) : 0;
  const psiAB = wantGrad ? digamma(a + b) : 0;
  let ll = 0;
  let gr = 0;
  let gAlpha = 0;
  let ga = 0;
  let gb = 0;
  const g = d.distinctX.length;
  const c4 = new Float64Array(g); // ln a − ln(b + x − 1), x > 0
  const invBx1 = new Float64Array(g);
  for (let k = 0; k < g; k++) {
    const x = d.distinctX[k]!;
    const cnt = d.countX[k]!;
    // ln Γ(r+x) − ln Γ(r) + r ln α + ln B(a, b+x) − ln B(a, b)
    ll += cnt * (lgamma(r + x) - lgR + r * lnAlpha + lgAB + lgamma(b + x) - lgB - lgamma(a + b + x));
    if (wantGrad) {
      gr += cnt * (digamma(r + x) - psiR + lnAlpha);
      gAlpha += (cnt * r) / alpha;
      const psiABX = digamma(a + b + x);
      ga += cnt * (psiAB - psiABX);
      gb += cnt * (psiAB + digamma(b + x) - psiB - psiABX);
    }
    if (x > 0) {
      c4[k] = lnA - Math.log(b + x - 1);
      invBx1[k] = 1 / (b + x - 1);
    }
  }
  for (let i = 0; i < d.rows; i++) {
    const x = d.x[i]!;
    const w = d.w[i]!;
    const rx = r + x;
    const lT = Math.log(alpha + d.T[i]!);
    const a3 = -rx * lT;
    if (x === 0) {
      ll += w * a3;
      if (wantGrad) {
        gr -= w * lT;
        gAlpha -= (w * rx) / (alpha + d.T[i]!);
      }
      continue;
    }
    const k = d.group[i]!;
    const lTx = Math.log(alpha + d.tx[i]!);
    const a4 = c4[k]! - rx * lTx;
    ll += w * logAddExp(a3, a4);
    if (wantGrad) {
      const w4 = logisticOfNeg(a3 - a4); // share of the "dropped out after the last purchase" branch
      const w3 = 1 - w4;
      gr -= w * (w3 * lT + w4 * lTx);
      gAlpha -= w * rx * (w3 / (alpha + d.T[i]!) + w4 / (alpha + d.tx[i]!));
      ga += (w * w4) / a;
      gb -= w * w4 * invBx1[k]!;
    }
  }
  return { ll, grad: [gr, gAlpha, ga, gb] };
}

const fromArray = (v: readonly number[]): BgNbdParams => ({ r: v[0]!, alpha: v[1]!, a: v[2]!, b: v[3]! });
const toArray = (p: BgNbdParams): number[] => [p.r, p.alpha, p.a, p.b];

/**
 * Sample log-likelihood Σᵢ ln L(r, α, a, b | xᵢ, txᵢ, Tᵢ), with (paper eq. 6)
 * L = B(a, b+x)/B(a, b) · Γ(r+x)αʳ/Γ(r) · [ (α+T)^{−(r+x)} + δ_{x>0} a/(b+x−1) · (α+tx)^{−(r+x)} ],
 * the bracket summed in log space.
 */
export function bgnbdLogLikelihood(params: BgNbdParams, data: readonly FrequencyRecency[]): number {
  return llAndGrad(params, pack(data), false).ll;
}

/** Gradient of the sample log-likelihood with respect to (r, α, a, b). */
export function bgnbdGradient(params: BgNbdParams, data: readonly FrequencyRecency[]): number[] {
  return llAndGrad(params, pack(data), true).grad;
}

/**
 * Maximum-likelihood fit. BFGS with the analytic gradient on log-parameters (so every parameter
 * stays positive), from each start; Nelder–Mead then BFGS again if BFGS stalls. Standard errors
 * from the observed information: central differences of the analytic gradient at the optimum
 * (natural parameters), inverted by Cholesky.
 */
export function fitBgNbd(data: readonly FrequencyRecency[], options: BgNbdFitOptions = {}): BgNbdFit {
  const d = pack(data);
  if (d.n === 0) throw new RangeError('BG/NBD: no customers');
  const gradTol = options.gradTol ?? 1e-9;
  let cacheKey: number[] | null = null;
  let cache = { ll: 0, grad: [0, 0, 0, 0] };
  const evalAt = (phi: readonly number[]) => {
    if (!cacheKey || cacheKey.some((v, i) => v !== phi[i])) {
      const p = fromArray(phi.map(Math.exp));
      cache = llAndGrad(p, d, true);
      cacheKey = [...phi];
    }
    return cache;
  };
  // Minimise the mean negative log-likelihood so tolerances do not depend on n.
  const f = (phi: readonly number[]) => {
    const v = -evalAt(phi).ll / d.n;
    return Number.isFinite(v) ? v : Number.POSITIVE_INFINITY;
  };
  const grad = (phi: readonly number[]) => {
    const { grad: g } = evalAt(phi);
    return g.map((gi, i) => (-gi * Math.exp(phi[i]!)) / d.n);
  };
  let sumX = 0;
  let sumT = 0;
  for (let i = 0; i < d.rows; i++) {
    sumX += d.w[i]! * d.x[i]!;
    sumT += d.w[i]! * d.T[i]!;
  }
  const starts = options.starts ?? [
    { r: 1, alpha: 1, a: 1, b: 1 },
    { r: 1, alpha: sumX > 0 && sumT > 0 ? sumT / sumX : 1, a: 1, b: 1 },
  ];
  let best: { x: number[]; value: number; converged: boolean; iterations: number; message: string } | null =
    null;
  // BFGS from every start; the Nelder–Mead rescue (thousands of likelihood passes) only runs
  // when no start converged — at 100k customers it is most of the fit time otherwise.
  const runs = starts.map((s) => minimizeBfgs(f, grad, toArray(s).map(Math.log), { gradTol }));
  const converged = runs.filter((r) => r.converged);
  if (converged.length > 0) {
    for (const res of converged) if (!best || res.value < best.value) best = { ...res };
  } else {
    for (const first of runs) {
      const nm = minimizeNelderMead(f, first.x, { maxIterations: 4000 });
      const res = minimizeBfgs(f, grad, nm.x, { gradTol });
      const iterations = first.iterations + nm.iterations + res.iterations;
      if (!best || res.value < best.value) best = { ...res, iterations };
    }
  }
  const params = fromArray(best!.x.map(Math.exp));
  const ll = llAndGrad(params, d, false).ll;
  const negGrad = (theta: readonly number[]) => llAndGrad(fromArray(theta), d, true).grad.map((g) => -g);
  const hessian = hessianFromGradient(negGrad, toArray(params));
  const pd = cholesky(hessian) !== null;
  const covariance = pd ? invertSpd(hessian) : null;
  const se = covariance ? covariance.map((row, i) => Math.sqrt(row[i]!)) : null;
  return {
    params,
    logLikelihood: ll,
    customers: d.n,
    repeatCustomers: d.repeat,
    standardErrors: se?.every((v) => Number.isFinite(v) && v > 0) ? fromArray(se) : null,
    covariance,
    hessianPositiveDefinite: pd,
    converged: best!.converged,
    iterations: best!.iterations,
    message: best!.message,
  };
}

export type FitCheck<F> = { ok: true; fit: F } | { ok: false; reason: string; fit?: F };

export interface CanFitOptions extends BgNbdFitOptions {
  /** Fewer repeat customers (x > 0) than this → fall back. Default 20. */
  minRepeatCustomers?: number;
  /** Reject when some standard error exceeds this multiple of its estimate. Default 10. */
  maxRelativeStandardError?: number;
}

/**
 * Small-data rule: fit only when there are at least `minRepeatCustomers` (20) customers with a
 * repeat purchase, and accept the fit only if every parameter is finite and within [1e-5, 1e5],
 * the optimiser converged, the Hessian of −LL is positive definite (so standard errors exist) and
 * no standard error exceeds `maxRelativeStandardError` (10) times its estimate.
 * Otherwise `{ ok: false, reason }` and the caller falls back to simple rules.
 */
export function canFit(data: readonly FrequencyRecency[], options: CanFitOptions = {}): FitCheck<BgNbdFit> {
  const minRepeat = options.minRepeatCustomers ?? 20;
  const repeat = data.filter((d) => d.x > 0).length;
  if (data.length === 0) return { ok: false, reason: 'no customers' };
  if (repeat < minRepeat) {
    return {
      ok: false,
      reason: `too few repeat customers: ${repeat} with a repeat purchase, need at least ${minRepeat}`,
    };
  }
  let fit: BgNbdFit;
  try {
    fit = fitBgNbd(data, options);
  } catch (e) {
    return { ok: false, reason: `fit failed: ${(e as Error).message}` };
  }
  const values = toArray(fit.params);
  if (!values.every((v) => Number.isFinite(v) && v >= 1e-5 && v <= 1e5)) {
    return { ok: false, reason: 'parameters at the edge of the space (degenerate data)', fit };
  }
  if (!fit.converged) return { ok: false, reason: `optimiser did not converge (${fit.message})`, fit };
  if (!fit.hessianPositiveDefinite || !fit.standardErrors) {
    return { ok: false, reason: 'Hessian of the log-likelihood is not positive definite', fit };
  }
  const se = toArray(fit.standardErrors);
  const maxCv = options.maxRelativeStandardError ?? 10;
  if (values.some((v, i) => se[i]! / v > maxCv)) {
    return {
      ok: false,
      reason: `parameters too uncertain (a standard error above ${maxCv}× its estimate)`,
      fit,
    };
  }
  return { ok: true, fit };
}

/** ln of the odds "dropped out after the last purchase" : "still alive" (−Infinity when x = 0). */
function logDeadOdds(p: BgNbdParams, x: number, tx: number, T: number): number {
  if (x === 0) return Number.NEGATIVE_INFINITY;
  return Math.log(p.a) - Math.log(p.b + x - 1) + (p.r + x) * (Math.log(p.alpha + T) - Math.log(p.alpha + tx));
}

/** P(alive | x, tx, T) = 1 / (1 + δ_{x>0} · a/(b+x−1) · ((α+T)/(α+tx))^{r+x}); 1 when x = 0. */
export function probabilityAlive(p: BgNbdParams, x: number, tx: number, T: number): number {
  return logisticOfNeg(logDeadOdds(p, x, tx, T));
}

const SERIES_EPS = 1e-16;

/**
 * (a+b+x−1)/(a−1) · [1 − ((α+T)/(α+T+t))^{r+x} ₂F₁(r+x, b+x; a+b+x−1; t/(α+T+t))], computed
 * without the 1/(a−1) singularity. With z = t/(α+T+t), Euler's transformation gives
 * (1−z)^{r+x} ₂F₁(r+x, b+x; C; z) = (1−z)^{a−1} ₂F₁(a+b−1−r, a−1; C; z), C = a+b+x−1, and then
 * [1 − that]/(a−1) = −expm1((a−1)ℓ)/(a−1) − (1−z)^{a−1} Σ_{n≥1} (A)ₙ(a)ₙ₋₁/((C)ₙ n!) zⁿ,
 * ℓ = ln(1−z), A = a+b−1−r. The parameters A and a−1 do not grow with x, so the series
 * decays like n^{a−r−x−2} zⁿ.
 */
function expectedNumerator(p: BgNbdParams, x: number, T: number, t: number): number {
  if (t <= 0) return 0;
  const { r, alpha, a, b } = p;
  const C = a + b + x - 1;
  const A = a + b - 1 - r;
  const z = t / (alpha + T + t);
  const ell = -Math.log1p(t / (alpha + T)); // ln(1 − z)
  const u = (a - 1) * ell;
  const first = Math.abs(u) < 1e-8 ? -ell * (1 + 0.5 * u) : -Math.expm1(u) / (a - 1);
  let term = (A / C) * z;
  let sum = term;
  const limit = Math.abs(A) + Math.abs(a) + Math.abs(C) + 2;
  for (let n = 1; n < 5_000_000; n++) {
    const ratio = (((A + n) * (a + n - 1)) / ((C + n) * (n + 1))) * z;
    if (ratio === 0 || term === 0) break;
    term *= ratio;
    sum += term;
    if (n > limit) {
      const q = Math.max(Math.abs(ratio), z);
      if ((Math.abs(term) * q) / (1 - q) <= SERIES_EPS * Math.abs(sum)) break;
    }
  }
  return C * (first - Math.exp(u) * sum);
}

/**
 * E[X(t) | x, tx, T] — expected purchases in the next t (paper eq. 10):
 * (a+b+x−1)/(a−1) · [1 − ((α+T)/(α+T+t))^{r+x} ₂F₁(r+x, b+x; a+b+x−1; t/(α+T+t))]
 *   / [1 + δ_{x>0} · a/(b+x−1) · ((α+T)/(α+tx))^{r+x}].
 */
export function conditionalExpectedPurchases(
  p: BgNbdParams,
  t: number,
  x: number,
  tx: number,
  T: number,
): number {
  return expectedNumerator(p, x, T, t) * logisticOfNeg(logDeadOdds(p, x, tx, T));
}

/**
 * E[X(t)] for a customer just acquired (paper eq. 9):
 * (a+b−1)/(a−1) · [1 − (α/(α+t))ʳ ₂F₁(r, b; a+b−1; t/(α+t))].
 */
export function expectedPurchasesNew(p: BgNbdParams, t: number): number {
  return expectedNumerator(p, 0, 0, t);
}

/**
 * P(X(t) = n) for a randomly chosen customer over a period of length t (paper eq. 8):
 * B(a, b+n)/B(a, b) · Γ(r+n)/(Γ(r) n!) · (α/(α+t))ʳ (t/(α+t))ⁿ
 * + δ_{n>0} · B(a+1, b+n−1)/B(a, b) · [1 − (α/(α+t))ʳ Σ_{j<n} Γ(r+j)/(Γ(r) j!) (t/(α+t))ʲ].
 */
export function probabilityOfPurchases(p: BgNbdParams, t: number, n: number): number {
  const { r, alpha, a, b } = p;
  if (!Number.isInteger(n) || n < 0) return 0;
  const lbAB = lbeta(a, b);
  const lp0 = r * Math.log(alpha / (alpha + t));
  const lq = t > 0 ? Math.log(t / (alpha + t)) : Number.NEGATIVE_INFINITY;
  const lnNb = (j: number) => lgamma(r + j) - lgamma(r) - lgamma(j + 1) + lp0 + (j === 0 ? 0 : j * lq);
  let value = Math.exp(lbeta(a, b + n) - lbAB + lnNb(n));
  if (n > 0) {
    let cdf = 0;
    for (let j = 0; j < n; j++) cdf += Math.exp(lnNb(j));
    value += Math.exp(lbeta(a + 1, b + n - 1) - lbAB) * Math.max(0, 1 - cdf);
  }
  return value;
}

export interface BgNbdPredictions {
  /** E[X(t) | x, tx, T] per customer, in input order. */
  expected: Float64Array;
  /** P(alive | x, tx, T) per customer. */
  pAlive: Float64Array;
}

/** Expected purchases in the next t and P(alive) for every customer. */
export function predictCustomers(
  p: BgNbdParams,
  data: readonly FrequencyRecency[],
  t: number,
): BgNbdPredictions {
  const expected = new Float64Array(data.length);
  const pAlive = new Float64Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const d = data[i]!;
    const alive = probabilityAlive(p, d.x, d.tx, d.T);
    pAlive[i] = alive;
    expected[i] = expectedNumerator(p, d.x, d.T, t) * alive;
  }
  return { expected, pAlive };
}
