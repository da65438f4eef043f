/** API client for predictions (issue 5): the workspace summary, the model fit, a refit now. */
import type { z } from '@hono/zod-openapi';
import type * as C from '../../src/http/contract/predictions.ts';
import { json, send } from './api.ts';

export type PredictionSummary = z.infer<typeof C.PredictionSummary>;
export type ModelFit = z.infer<typeof C.ModelFit>;
export type RefitResult = z.infer<typeof C.RefitResult>;
export type CustomerPrediction = z.infer<typeof C.CustomerPrediction>;
export type CustomerRecommendation = z.infer<typeof C.CustomerRecommendation>;

type Opts = { signal?: AbortSignal | undefined };

export const predictApi = {
  summary: (o: Opts = {}) => json<PredictionSummary>(send('GET', '/api/predictions/summary', o)),
  model: (o: Opts = {}) => json<ModelFit>(send('GET', '/api/predictions/model', o)),
  refit: () => json<RefitResult>(send('POST', '/api/predictions/refit')),
};

/**
 * The customer list filtered and sorted as the dashboard widgets mean it (GET /api/customers
 * parameters: churn_risk=low|medium|high, sort=predicted_clv|p_alive, dir, recommended=<item>).
 */
export function customersHref(query: {
  churn_risk?: 'low' | 'medium' | 'high';
  sort?: 'predicted_clv' | 'p_alive';
  dir?: 'asc' | 'desc';
  recommended?: string;
}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, v);
  const q = params.toString();
  return `#/customers${q ? `?${q}` : ''}`;
}
