/**
 * Predictive analytics (C14): BG/NBD and Gamma-Gamma fitted on the workspace's purchases up
 * to an as-of day, and per-customer P(alive), expected purchases in the next 90 days,
 * predicted CLV and churn risk. With too little repeat data the models are not trusted:
 * the fit says why, and customers fall back to the lifecycle (cycle) rules.
 */
import { canFit, conditionalExpectedPurchases, fitBgNbd } from '../../core/clv/bgnbd.ts';
import { type ChurnRisk, valueCustomers } from '../../core/clv/clv.ts';
import { canFitGammaGamma } from '../../core/clv/gammagamma.ts';
import { type CustomerSummary, type Purchase, summarize, type TimeUnit } from '../../core/clv/summary.ts';
import type { Day } from '../../core/day.ts';
import type { Settings } from '../../core/settings.ts';
import { decimalToCents, type LifecycleStatus } from '../../core/types.ts';
import type { Database } from '../../storage/connect.ts';
import { loadModelFit, loadPredictions, loadRecommendations } from '../../storage/queries/predictions.ts';
import { loadTransactions } from '../../storage/queries/transactions.ts';

export interface ModelFit {
  asOf: Day;
  unit: TimeUnit;
  bgnbd: {
    r: number | null;
    alpha: number | null;
    a: number | null;
    b: number | null;
    log_likelihood: number | null;
    customers: number;
    repeat_customers: number;
    standard_errors: { r: number; alpha: number; a: number; b: number } | null;
    usable: boolean;
    reason: string | null;
  };
  gamma_gamma: {
    p: number | null;
    q: number | null;
    gamma: number | null;
    customers: number;
    usable: boolean;
    reason: string | null;
  };
}

/** The per-customer (x, tx, T, zbar) summaries of purchases up to `asOf`. */
export async function summaries(
  db: Database,
  workspaceId: number,
  asOf: Day,
  unit: TimeUnit,
): Promise<CustomerSummary[]> {
  const purchases: Purchase[] = (await loadTransactions(db, workspaceId, asOf)).map((t) => ({
    customerId: String(t.customerId),
    day: t.day,
    amountCents: t.amountCents,
  }));
  return summarize(purchases, asOf, unit);
}

/** Both fits on the summaries; `raw` keeps the BG/NBD fit with its covariance. */
export function fitOn(
  data: CustomerSummary[],
  asOf: Day,
  unit: TimeUnit,
): ModelFit & { raw: ReturnType<typeof canFit> } {
  const check = canFit(data);
  const fit = check.ok ? check.fit : (check.fit ?? (data.length > 0 ? safeFit(data) : undefined));
  const gg = canFitGammaGamma(data);
  const ggFit = gg.ok ? gg.fit : gg.fit;
  return {
    asOf,
    unit,
    raw: check,
    bgnbd: {
      r: fit?.params.r ?? null,
      alpha: fit?.params.alpha ?? null,
      a: fit?.params.a ?? null,
      b: fit?.params.b ?? null,
      log_likelihood: fit?.logLikelihood ?? null,
      customers: data.length,
      repeat_customers: data.filter((d) => d.x > 0).length,
      standard_errors: fit?.standardErrors ?? null,
      usable: check.ok,
      reason: check.ok ? null : check.reason,
    },
    gamma_gamma: {
      p: ggFit?.params.p ?? null,
      q: ggFit?.params.q ?? null,
      gamma: ggFit?.params.gamma ?? null,
      customers: ggFit?.customers ?? data.filter((d) => d.x > 0 && d.zbar > 0).length,
      usable: gg.ok,
      reason: gg.ok ? null : gg.reason,
    },
  };
}

function safeFit(data: CustomerSummary[]) {
  try {
    return fitBgNbd(data);
  } catch {
    return undefined;
  }
}

/** `model`: the fitted parameters on purchases up to `asOf` (inclusive). */
export async function fitModels(
  db: Database,
  workspaceId: number,
  opts: { asOf: Day; unit: TimeUnit },
): Promise<ModelFit> {
  const { raw: _raw, ...fit } = fitOn(
    await summaries(db, workspaceId, opts.asOf, opts.unit),
    opts.asOf,
    opts.unit,
  );
  return fit;
}

export interface CustomerPrediction {
  pAlive: number | null;
  expectedPurchases90d: number | null;
  predictedClvCents: number | null;
  churnRisk: ChurnRisk;
  source: 'bgnbd' | 'cycle_rules';
}

/** When the models cannot be trusted: risk from the lifecycle status, no false precision. */
export function riskFromStatus(status: LifecycleStatus): ChurnRisk {
  if (status === 'lost') return 'high';
  if (status === 'sleeping') return 'medium';
  return 'low';
}

/**
 * Per-customer predictions as of `asOf` (time unit: days; CLV over 12 months at 1 % a month,
 * times the workspace margin). Returns the fit too, so callers can say why they fell back.
 */
export async function predictCustomers(
  db: Database,
  workspaceId: number,
  asOf: Day,
  settings: Settings,
): Promise<{
  fit: ModelFit;
  byCustomer: Map<number, Omit<CustomerPrediction, 'churnRisk' | 'source'>> | null;
}> {
  const data = await summaries(db, workspaceId, asOf, 'day');
  const { raw, ...fit } = fitOn(data, asOf, 'day');
  if (!raw.ok || !fit.gamma_gamma.usable || fit.gamma_gamma.p === null) return { fit, byCustomer: null };
  const bg = raw.fit.params;
  const gg = { p: fit.gamma_gamma.p, q: fit.gamma_gamma.q!, gamma: fit.gamma_gamma.gamma! };
  const values = valueCustomers(bg, gg, data, {
    unit: 'day',
    months: 12,
    monthlyDiscountRate: 0.01,
    margin: settings.margin,
  });
  const out = new Map<number, Omit<CustomerPrediction, 'churnRisk' | 'source'>>();
  data.forEach((c, i) => {
    const v = values[i]!;
    out.set(Number(c.customerId), {
      pAlive: v.pAlive,
      expectedPurchases90d: conditionalExpectedPurchases(bg, 90, c.x, c.tx, c.T),
      // Gamma-Gamma works in currency units; CLV comes back in them too.
      predictedClvCents: Math.round(v.clv * 100),
    });
  });
  return { fit, byCustomer: out };
}

/**
 * The nightly refit's stored figures, when they were made for exactly `asOf` (else null: the
 * caller fits on the fly). Same shape as predictCustomers, plus the recommendations.
 */
export async function storedPredictions(
  db: Database,
  workspaceId: number,
  asOf: Day,
): Promise<{
  fit: ModelFit;
  byCustomer: Map<number, Omit<CustomerPrediction, 'churnRisk' | 'source'>> | null;
  recommendations: Map<number, { item: string; kind: string; score: number }[]>;
} | null> {
  const row = await loadModelFit(db, workspaceId);
  if (!row || row.asOf !== asOf) return null;
  const { expected_90d: _e, recommendations: _r, ...bgnbd } = row.bgnbd;
  const fit: ModelFit = {
    asOf: row.asOf,
    unit: row.unit as TimeUnit,
    bgnbd: bgnbd as ModelFit['bgnbd'],
    gamma_gamma: row.gammaGamma as ModelFit['gamma_gamma'],
  };
  const byCustomer = new Map<number, Omit<CustomerPrediction, 'churnRisk' | 'source'>>();
  for (const [id, p] of await loadPredictions(db, workspaceId)) {
    byCustomer.set(id, {
      pAlive: p.pAlive,
      expectedPurchases90d: p.expectedPurchases90d,
      predictedClvCents: p.predictedClv === null ? null : decimalToCents(p.predictedClv),
    });
  }
  const recommendations = new Map<number, { item: string; kind: string; score: number }[]>();
  for (const r of await loadRecommendations(db, workspaceId)) {
    const list = recommendations.get(r.customerId) ?? [];
    list.push({ item: r.item, kind: r.kind, score: r.score });
    recommendations.set(r.customerId, list);
  }
  return { fit, byCustomer: row.usable ? byCustomer : null, recommendations };
}
