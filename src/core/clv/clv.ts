/**
 * Discounted customer lifetime value and churn-risk buckets on top of BG/NBD + Gamma-Gamma.
 *
 * CLV follows lifetimes' `customer_lifetime_value`:
 *
 *   CLV = margin · E[M | x, zbar] · Σ_{i=1..H} ( E[X(i·m) | x, tx, T] − E[X((i−1)·m) | x, tx, T] ) / (1 + d)^i
 *
 * where H = horizon in months, d = monthly discount rate, m = time units per month (lifetimes'
 * constants: 30 for days, 4.345 for weeks; overridable), E[X(t) | …] the BG/NBD conditional
 * expectation (E[X(0)] = 0) and E[M | …] the Gamma-Gamma conditional mean spend. Each month's
 * expected purchases are discounted at the end of that month.
 *
 * Churn risk from P(alive): low when P ≥ 0.7, medium when 0.3 ≤ P < 0.7, high when P < 0.3.
 */
import type { BgNbdParams, FrequencyRecency } from './bgnbd.ts';
import { conditionalExpectedPurchases, probabilityAlive } from './bgnbd.ts';
import type { GammaGammaParams } from './gammagamma.ts';
import { conditionalExpectedSpend } from './gammagamma.ts';
import type { TimeUnit } from './summary.ts';

export interface ClvOptions {
  /** Horizon in months (H). Default 12. */
  months?: number;
  /** Monthly discount rate d (0.01 = 1 % a month). Default 0.01. */
  monthlyDiscountRate?: number;
  /** Gross margin applied to spend (0..1). Default 1 (revenue CLV). */
  margin?: number;
  /** Time unit of the BG/NBD fit. Default 'day'. */
  unit?: TimeUnit;
  /** Time units per month; default 30 (days) or 4.345 (weeks), as lifetimes. */
  unitsPerMonth?: number;
}

export type ChurnRisk = 'low' | 'medium' | 'high';

/** low ≥ 0.7 > medium ≥ 0.3 > high. */
export function churnRisk(pAlive: number): ChurnRisk {
  if (pAlive >= 0.7) return 'low';
  if (pAlive >= 0.3) return 'medium';
  return 'high';
}

export function unitsPerMonth(options: ClvOptions): number {
  if (options.unitsPerMonth !== undefined) return options.unitsPerMonth;
  return (options.unit ?? 'day') === 'week' ? 4.345 : 30;
}

/** Expected margin-weighted, discounted value over the horizon for one customer (formula above). */
export function customerLifetimeValue(
  bg: BgNbdParams,
  expectedSpend: number,
  c: FrequencyRecency,
  options: ClvOptions = {},
): number {
  const months = options.months ?? 12;
  const d = options.monthlyDiscountRate ?? 0.01;
  const margin = options.margin ?? 1;
  const m = unitsPerMonth(options);
  let prev = 0;
  let total = 0;
  for (let i = 1; i <= months; i++) {
    const cum = conditionalExpectedPurchases(bg, i * m, c.x, c.tx, c.T);
    total += (cum - prev) / (1 + d) ** i;
    prev = cum;
  }
  return margin * expectedSpend * total;
}

export interface CustomerValue {
  pAlive: number;
  churnRisk: ChurnRisk;
  /** Expected purchases over the whole horizon (undiscounted). */
  expectedPurchases: number;
  /** Gamma-Gamma E[M | x, zbar] (population mean when x = 0). */
  expectedSpend: number;
  clv: number;
}

/** P(alive), risk bucket, expected purchases and spend, and CLV for each customer, in input order. */
export function valueCustomers(
  bg: BgNbdParams,
  gg: GammaGammaParams,
  customers: readonly (FrequencyRecency & { zbar: number })[],
  options: ClvOptions = {},
): CustomerValue[] {
  const horizon = (options.months ?? 12) * unitsPerMonth(options);
  return customers.map((c) => {
    const pAlive = probabilityAlive(bg, c.x, c.tx, c.T);
    const expectedSpend = conditionalExpectedSpend(gg, c.x, c.zbar);
    return {
      pAlive,
      churnRisk: churnRisk(pAlive),
      expectedPurchases: conditionalExpectedPurchases(bg, horizon, c.x, c.tx, c.T),
      expectedSpend,
      clv: customerLifetimeValue(bg, expectedSpend, c, options),
    };
  });
}
