// The contract for predictions and recommendations (issue 5).
import { z } from '@hono/zod-openapi';
import { DateTimeString, DayString, Money } from './common.ts';

export const ChurnRisk = z.enum(['low', 'medium', 'high']).openapi('ChurnRisk');

export const CustomerPrediction = z
  .object({
    source: z.enum(['model', 'rules']).openapi({
      description:
        "'model': BG/NBD + Gamma-Gamma; 'rules': too little data, churn risk from the lifecycle status",
    }),
    p_alive: z
      .number()
      .nullable()
      .openapi({ description: 'probability the customer is still active (0..1)' }),
    expected_purchases_90d: z.number().nullable(),
    clv: Money.nullable().openapi({ description: 'discounted 12-month CLV at 1 %/month, times the margin' }),
    expected_revenue_90d: Money.nullable(),
    churn_risk: ChurnRisk.openapi({ description: 'low: P(alive) ≥ 0.7, medium: ≥ 0.3, high: < 0.3' }),
    as_of: DayString,
    fallback_reason: z.string().nullable().openapi({ description: 'why figures are missing, when they are' }),
  })
  .openapi('CustomerPrediction');

export const CustomerRecommendation = z
  .object({
    item: z.string(),
    kind: z.enum(['category', 'product']),
    score: z.number().openapi({
      description: 'summed lift from what the customer bought; 0 = most popular (no personal signal)',
    }),
  })
  .openapi('CustomerRecommendation');

const BandSchema = z
  .object({ estimate: z.number(), low: z.number(), high: z.number(), level: z.number() })
  .openapi('Band');

const EstimateBand = z
  .object({
    estimate: z.number(),
    low: z.number().nullable(),
    high: z.number().nullable(),
    level: z.number().nullable(),
  })
  .openapi('EstimateBand');

const MoneyBand = z
  .object({ estimate: Money, low: Money.nullable(), high: Money.nullable(), level: z.number().nullable() })
  .openapi('MoneyBand');

export const ModelParameters = z
  .object({
    bgnbd: z.object({
      r: z.number().nullable(),
      alpha: z.number().nullable(),
      a: z.number().nullable(),
      b: z.number().nullable(),
      log_likelihood: z.number().nullable(),
      standard_errors: z
        .object({ r: z.number(), alpha: z.number(), a: z.number(), b: z.number() })
        .nullable(),
      customers: z.number().int(),
      repeat_customers: z.number().int(),
      usable: z.boolean(),
      reason: z.string().nullable(),
      dropout_limit: z
        .object({
          mean_dropout: z.number(),
          concentration: z.number(),
          log_likelihood_loss: z.number(),
          standard_errors: z.object({ r: z.number(), alpha: z.number() }).nullable(),
        })
        .optional()
        .openapi({
          description:
            'present when the data show no dropout heterogeneity: a and b are bounded at a + b = concentration',
        }),
    }),
    gamma_gamma: z.object({
      p: z.number().nullable(),
      q: z.number().nullable(),
      gamma: z.number().nullable(),
      customers: z.number().int(),
      usable: z.boolean(),
      reason: z.string().nullable(),
    }),
  })
  .openapi('ModelParameters');

export const ModelFit = z
  .object({
    as_of: DayString.openapi({ description: 'purchases up to and including this day were fitted' }),
    fitted_at: DateTimeString,
    time_unit: z.enum(['day', 'week']),
    usable: z.boolean(),
    reason: z.string().nullable(),
    duration_ms: z.number().int(),
    parameters: ModelParameters,
    expected_90d: z
      .object({ purchases: BandSchema.nullable(), revenue: BandSchema.nullable(), method: z.string() })
      .nullable()
      .openapi({ description: 'workspace totals for the next 90 days with 90 % intervals' }),
    recommendations: z.object({
      kind: z.enum(['category', 'product']).nullable(),
      min_pair_count: z.number().int(),
      customers: z.number().int(),
    }),
  })
  .openapi('ModelFit');

export const PredictionSummary = z
  .object({
    status: z.enum(['model', 'rules', 'none']).openapi({
      description: "'model': predictions from BG/NBD; 'rules': fell back (see reason); 'none': never fitted",
    }),
    reason: z.string().nullable(),
    as_of: DayString.nullable(),
    fitted_at: DateTimeString.nullable(),
    scope: z
      .enum(['workspace', 'manager'])
      .openapi({ description: "a manager's totals cover their customers" }),
    parameters: ModelParameters.nullable(),
    customers: z.number().int().openapi({ description: 'customers with a stored prediction' }),
    model_customers: z.number().int(),
    expected_repeat_revenue_90d: MoneyBand.nullable().openapi({
      description:
        'Σ expected repeat revenue over the next 90 days; low/high = 90 % interval from parameter uncertainty (workspace scope only)',
    }),
    expected_repeat_purchases_90d: EstimateBand.nullable(),
    high_value_at_risk: z
      .object({
        customers: z.number().int(),
        predicted_clv: Money.openapi({ description: 'Σ predicted CLV of the group' }),
        value_if_active: Money.openapi({
          description: 'Σ CLV if still active (predicted CLV / P(alive)): the value at stake',
        }),
        min_value_if_active: Money.nullable().openapi({
          description: 'the high-value bar: 80th percentile of CLV if still active over the workspace',
        }),
        value_quantile: z.number(),
        churn_risk: ChurnRisk,
      })
      .openapi({ description: 'churn risk high AND CLV if still active in the top fifth' }),
  })
  .openapi('PredictionSummary');

export const RefitResult = z
  .object({
    as_of: DayString,
    usable: z.boolean(),
    reason: z.string().nullable(),
    customers: z.number().int(),
    model_customers: z.number().int(),
    recommendations: z.object({
      kind: z.enum(['category', 'product']).nullable(),
      customers: z.number().int(),
    }),
    duration_ms: z.number().int(),
  })
  .openapi('RefitResult');

export type CustomerPredictionJson = z.infer<typeof CustomerPrediction>;
export type CustomerRecommendationJson = z.infer<typeof CustomerRecommendation>;
export type PredictionSummaryJson = z.infer<typeof PredictionSummary>;
export type ModelFitJson = z.infer<typeof ModelFit>;
export type RefitResultJson = z.infer<typeof RefitResult>;
