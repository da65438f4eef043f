/**
 * The "no dropout heterogeneity" limit of BG/NBD. When every customer drops out after a
 * purchase with about the same probability p, the likelihood keeps rising as a, b → ∞ with
 * a/(a+b) → p: the Beta(a, b) mixing distribution collapses to a point mass. The optimiser then
 * returns astronomically large a and b (canFit rejects them as "at the edge"), although the
 * model itself is well determined — r, α and the mean dropout p are all identified.
 *
 * We replace such a fit by the same mean dropout with a bounded concentration a + b = κ
 * (default 1000: the Beta's sd is then ≤ 1.6 % of its range — a point mass for all practical
 * purposes) and accept it only if the log-likelihood loses less than `maxLoss` (0.5) against the
 * unbounded optimum, i.e. the data cannot tell the two apart. The standard errors of r and α
 * come from the observed information with a and b held at their bounded values; a and b get no
 * standard error (their covariance rows are 0), which the caller must say.
 */
import {
  type BgNbdFit,
  type BgNbdParams,
  bgnbdGradient,
  bgnbdLogLikelihood,
  type FrequencyRecency,
} from './bgnbd.ts';
import { hessianFromGradient, invertSpd } from './optimize.ts';

export interface DropoutLimitFit {
  params: BgNbdParams;
  logLikelihood: number;
  /** Mean dropout probability after a purchase, a / (a + b). */
  meanDropout: number;
  /** Log-likelihood lost against the unbounded optimum (≥ 0 up to rounding). */
  loss: number;
  /** 4×4, rows/columns of a and b zero; null if the (r, α) information is not positive definite. */
  covariance: number[][] | null;
  standardErrors: { r: number; alpha: number } | null;
}

export function dropoutLimit(
  fit: BgNbdFit,
  data: readonly FrequencyRecency[],
  options: { concentration?: number; maxLoss?: number } = {},
): DropoutLimitFit | null {
  const kappa = options.concentration ?? 1000;
  const { r, alpha, a, b } = fit.params;
  if (![r, alpha, a, b].every((v) => Number.isFinite(v) && v > 0)) return null;
  if (a + b <= kappa) return null;
  const meanDropout = a / (a + b);
  const params = { r, alpha, a: meanDropout * kappa, b: (1 - meanDropout) * kappa };
  if (params.a <= 1e-3 || params.b <= 1e-3) return null;
  const logLikelihood = bgnbdLogLikelihood(params, data);
  const loss = fit.logLikelihood - logLikelihood;
  if (!Number.isFinite(logLikelihood) || loss > (options.maxLoss ?? 0.5)) return null;
  const negGrad = (theta: readonly number[]) =>
    bgnbdGradient({ r: theta[0]!, alpha: theta[1]!, a: params.a, b: params.b }, data)
      .slice(0, 2)
      .map((g) => -g);
  const inv = invertSpd(hessianFromGradient(negGrad, [r, alpha]));
  const covariance = inv
    ? [
        [inv[0]![0]!, inv[0]![1]!, 0, 0],
        [inv[1]![0]!, inv[1]![1]!, 0, 0],
        [0, 0, 0, 0],
        [0, 0, 0, 0],
      ]
    : null;
  return {
    params,
    logLikelihood,
    meanDropout,
    loss: Math.max(0, loss),
    covariance,
    standardErrors: inv ? { r: Math.sqrt(inv[0]![0]!), alpha: Math.sqrt(inv[1]![1]!) } : null,
  };
}
