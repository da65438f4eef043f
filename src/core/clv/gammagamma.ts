/**
 * Gamma-Gamma spend model — Fader, Hardie & Lee (2005), "RFM and CLV: using iso-value curves
 * for customer base analysis"; parametrised as lifetimes' GammaGammaFitter (p, q, γ = v).
 * A customer's transaction values are Gamma(p, ν) with ν ~ Gamma(q, γ); the model is fitted on
 * customers with x > 0 using zbar = mean value of their x REPEAT purchase-days (see summary.ts).
 */
import type { FitCheck } from './bgnbd.ts';
import { cholesky, hessianFromGradient, invertSpd, minimizeBfgs, minimizeNelderMead } from './optimize.ts';
import { digamma, lgamma } from './special.ts';

export interface SpendSummary {
  /** Repeat purchase-days (x > 0 to be used in the fit). */
  x: number;
  /** Mean value of the repeat purchase-days, in currency units. */
  zbar: number;
}

export interface GammaGammaParams {
  p: number;
  q: number;
  gamma: number;
}

export interface GammaGammaFit {
  params: GammaGammaParams;
  logLikelihood: number;
  /** Customers used: x > 0 and zbar > 0. */
  customers: number;
  standardErrors: GammaGammaParams | null;
  hessianPositiveDefinite: boolean;
  converged: boolean;
  message: string;
}

const usable = (d: SpendSummary): boolean => d.x > 0 && d.zbar > 0 && Number.isFinite(d.zbar);

/**
 * Σ ln f(zbar | x; p, q, γ) over usable customers, with
 * ln f = ln Γ(px+q) − ln Γ(px) − ln Γ(q) + q ln γ + (px−1) ln zbar + px ln x − (px+q) ln(x·zbar + γ).
 */
function llAndGrad(
  params: GammaGammaParams,
  xs: Float64Array,
  ms: Float64Array,
  wantGrad: boolean,
): { ll: number; grad: number[] } {
  const { p, q, gamma: v } = params;
  const lgQ = lgamma(q);
  const lnV = Math.log(v);
  const psiQ = wantGrad ? digamma(q) : 0;
  let ll = 0;
  let gp = 0;
  let gq = 0;
  let gv = 0;
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i]!;
    const m = ms[i]!;
    const px = p * x;
    const lnM = Math.log(m);
    const lnX = Math.log(x);
    const lnXMV = Math.log(x * m + v);
    ll += lgamma(px + q) - lgamma(px) - lgQ + q * lnV + (px - 1) * lnM + px * lnX - (px + q) * lnXMV;
    if (wantGrad) {
      const psiPXQ = digamma(px + q);
      gp += x * (psiPXQ - digamma(px) + lnM + lnX - lnXMV);
      gq += psiPXQ - psiQ + lnV - lnXMV;
      gv += q / v - (px + q) / (x * m + v);
    }
  }
  return { ll, grad: [gp, gq, gv] };
}

function packSpend(data: readonly SpendSummary[]): { xs: Float64Array; ms: Float64Array } {
  const rows = data.filter(usable);
  return { xs: Float64Array.from(rows, (d) => d.x), ms: Float64Array.from(rows, (d) => d.zbar) };
}

const fromArray = (v: readonly number[]): GammaGammaParams => ({ p: v[0]!, q: v[1]!, gamma: v[2]! });
const toArray = (p: GammaGammaParams): number[] => [p.p, p.q, p.gamma];

/** Log-likelihood over the customers with x > 0 and zbar > 0 (others are ignored). */
export function gammaGammaLogLikelihood(params: GammaGammaParams, data: readonly SpendSummary[]): number {
  const { xs, ms } = packSpend(data);
  return llAndGrad(params, xs, ms, false).ll;
}

/**
 * MLE by BFGS on log(p, q, γ) with the analytic gradient, started at p = q = γ = 1 and at a
 * scale-aware start (γ = mean zbar); Nelder–Mead then BFGS when BFGS stalls. Standard errors
 * from the numerical Hessian (central differences of the gradient) of −LL, inverted.
 */
export function fitGammaGamma(data: readonly SpendSummary[]): GammaGammaFit {
  const { xs, ms } = packSpend(data);
  const n = xs.length;
  if (n === 0) throw new RangeError('Gamma-Gamma: no customers with repeat purchases');
  let key: number[] | null = null;
  let cache = { ll: 0, grad: [0, 0, 0] };
  const evalAt = (phi: readonly number[]) => {
    if (!key || key.some((v, i) => v !== phi[i])) {
      cache = llAndGrad(fromArray(phi.map(Math.exp)), xs, ms, true);
      key = [...phi];
    }
    return cache;
  };
  const f = (phi: readonly number[]) => {
    const v = -evalAt(phi).ll / n;
    return Number.isFinite(v) ? v : Number.POSITIVE_INFINITY;
  };
  const grad = (phi: readonly number[]) => evalAt(phi).grad.map((g, i) => (-g * Math.exp(phi[i]!)) / n);
  let meanM = 0;
  for (const m of ms) meanM += m / n;
  const starts: GammaGammaParams[] = [
    { p: 1, q: 1, gamma: 1 },
    { p: 1, q: 2, gamma: Math.max(meanM, 1e-6) },
  ];
  let best: { x: number[]; value: number; converged: boolean; message: string } | null = null;
  // Nelder–Mead rescue only when no start converged by BFGS (it dominates the time otherwise).
  const runs = starts.map((s) => minimizeBfgs(f, grad, toArray(s).map(Math.log), { gradTol: 1e-9 }));
  const converged = runs.filter((r) => r.converged);
  for (const first of converged.length > 0 ? converged : runs) {
    let res = first;
    if (!res.converged) {
      const nm = minimizeNelderMead(f, res.x, { maxIterations: 4000 });
      res = minimizeBfgs(f, grad, nm.x, { gradTol: 1e-9 });
    }
    if (!best || res.value < best.value) best = res;
  }
  const params = fromArray(best!.x.map(Math.exp));
  const negGrad = (theta: readonly number[]) => llAndGrad(fromArray(theta), xs, ms, true).grad.map((g) => -g);
  const hessian = hessianFromGradient(negGrad, toArray(params));
  const pd = cholesky(hessian) !== null;
  const cov = pd ? invertSpd(hessian) : null;
  const se = cov ? cov.map((row, i) => Math.sqrt(row[i]!)) : null;
  return {
    params,
    logLikelihood: llAndGrad(params, xs, ms, false).ll,
    customers: n,
    standardErrors: se?.every((v) => Number.isFinite(v) && v > 0) ? fromArray(se) : null,
    hessianPositiveDefinite: pd,
    converged: best!.converged,
    message: best!.message,
  };
}

/**
 * Small-data rule for the spend model: at least `minCustomers` (20) customers with x > 0 and
 * zbar > 0, a converged fit with q > 1 (so the population mean spend pγ/(q−1) exists) and a
 * positive-definite Hessian.
 */
export function canFitGammaGamma(data: readonly SpendSummary[], minCustomers = 20): FitCheck<GammaGammaFit> {
  const n = data.filter(usable).length;
  if (n < minCustomers) {
    return { ok: false, reason: `too few repeat customers with spend: ${n}, need at least ${minCustomers}` };
  }
  const fit = fitGammaGamma(data);
  if (!fit.converged) return { ok: false, reason: `optimiser did not converge (${fit.message})`, fit };
  if (!(fit.params.q > 1)) return { ok: false, reason: 'q ≤ 1: mean spend is not finite under the fit', fit };
  if (!fit.hessianPositiveDefinite || !fit.standardErrors) {
    return { ok: false, reason: 'Hessian of the log-likelihood is not positive definite', fit };
  }
  return { ok: true, fit };
}

/**
 * E[M | x, zbar] = (p(γ + x·zbar)) / (px + q − 1)
 *   = (q−1)/(px+q−1) · pγ/(q−1) + px/(px+q−1) · zbar   (a weighted mean of the population mean
 * and the customer's own mean). For x = 0 it is the population mean pγ/(q−1). Needs q > 1.
 */
export function conditionalExpectedSpend(params: GammaGammaParams, x: number, zbar: number): number {
  const { p, q, gamma } = params;
  const m = x > 0 ? zbar : 0;
  return (p * (gamma + x * m)) / (p * x + q - 1);
}
