/** Predictions → contract JSON (snake_case, money as { amount, currency }). */
import type { CardPrediction, ModelFitRow, PredictionSummary } from '../app/api/predictions.ts';
import type {
  CustomerPredictionJson,
  CustomerRecommendationJson,
  ModelFitJson,
  PredictionSummaryJson,
} from './contract/predictions.ts';
import { money, moneyCents } from './present.ts';

export function presentCardPrediction(
  card: CardPrediction,
  currency: string,
): { prediction: CustomerPredictionJson | null; recommendations: CustomerRecommendationJson[] } {
  const p = card.prediction;
  return {
    prediction: p
      ? {
          source: p.source,
          p_alive: p.pAlive,
          expected_purchases_90d: p.expectedPurchases90d,
          clv: p.predictedClv === null ? null : money(p.predictedClv, currency),
          expected_revenue_90d: p.expectedRevenue90d === null ? null : money(p.expectedRevenue90d, currency),
          churn_risk: p.churnRisk,
          as_of: p.asOf,
          fallback_reason: p.fallbackReason,
        }
      : null,
    recommendations: card.recommendations.map((r) => ({ item: r.item, kind: r.kind, score: r.score })),
  };
}

// biome-ignore lint/suspicious/noExplicitAny: the stored jsonb is the ModelFit written by the refit
function parameters(fit: ModelFitRow): any {
  const { expected_90d: _e, recommendations: _r, ...bgnbd } = fit.bgnbd;
  return { bgnbd, gamma_gamma: fit.gammaGamma };
}

export function presentModelFit(fit: ModelFitRow): ModelFitJson {
  const rec = (fit.bgnbd.recommendations ?? null) as ModelFitJson['recommendations'] | null;
  return {
    as_of: fit.asOf,
    fitted_at: fit.fittedAt,
    time_unit: fit.unit === 'week' ? 'week' : 'day',
    usable: fit.usable,
    reason: fit.reason,
    duration_ms: Math.round(fit.durationMs),
    parameters: parameters(fit),
    expected_90d: (fit.bgnbd.expected_90d ?? null) as ModelFitJson['expected_90d'],
    recommendations: rec ?? { kind: null, min_pair_count: 0, customers: 0 },
  };
}

export function presentPredictionSummary(s: PredictionSummary): PredictionSummaryJson {
  const cur = s.currency;
  const revBand = s.bands?.revenue ?? null;
  const hasRevenue =
    s.totals.modelCustomers > 0 && s.fit?.usable === true && s.fit.gammaGamma.usable === true;
  return {
    status: s.status,
    reason: s.fit?.reason ?? null,
    as_of: s.fit?.asOf ?? null,
    fitted_at: s.fit?.fittedAt ?? null,
    scope: s.scope,
    parameters: s.fit ? parameters(s.fit) : null,
    customers: s.totals.customers,
    model_customers: s.totals.modelCustomers,
    expected_repeat_revenue_90d: hasRevenue
      ? {
          estimate: money(s.totals.expectedRevenue90d, cur),
          low: revBand ? moneyCents(Math.floor(revBand.low * 100), cur) : null,
          high: revBand ? moneyCents(Math.ceil(revBand.high * 100), cur) : null,
          level: revBand?.level ?? null,
        }
      : null,
    expected_repeat_purchases_90d:
      s.status === 'model'
        ? {
            estimate: s.totals.expectedPurchases90d,
            low: s.bands?.purchases?.low ?? null,
            high: s.bands?.purchases?.high ?? null,
            level: s.bands?.purchases?.level ?? null,
          }
        : null,
    high_value_at_risk: {
      customers: s.totals.highValueAtRisk.customers,
      predicted_clv: money(s.totals.highValueAtRisk.predictedClv, cur),
      value_if_active: money(s.totals.highValueAtRisk.valueIfActive, cur),
      min_value_if_active: s.highValue.minValue === null ? null : money(s.highValue.minValue, cur),
      value_quantile: s.highValue.quantile,
      churn_risk: s.highValue.churnRisk,
    },
  };
}
