/**
 * /api/predictions: the workspace summary (reports:read), the stored model fit (reports:read)
 * and a refit on demand (settings:write). A manager's summary covers their customers only.
 */
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { readModelFit, readPredictionSummary, refitNow } from '../../app/api/predictions.ts';
import { errors, json, Security } from '../contract/common.ts';
import { ModelFit, PredictionSummary, RefitResult } from '../contract/predictions.ts';
import type { ApiDeps, ApiEnv } from '../env.ts';
import { presentModelFit, presentPredictionSummary } from '../present-predictions.ts';

const tags = ['predictions'];

const summary = createRoute({
  method: 'get',
  path: '/api/predictions/summary',
  tags,
  security: Security,
  summary: 'Fit status, expected repeat revenue in the next 90 days (with its band) and high value at risk',
  responses: { 200: json(PredictionSummary, 'The summary'), ...errors() },
});

const model = createRoute({
  method: 'get',
  path: '/api/predictions/model',
  tags,
  security: Security,
  summary: 'The last BG/NBD + Gamma-Gamma fit: parameters, standard errors, whether it is used and why not',
  responses: { 200: json(ModelFit, 'The fit'), ...errors(404) },
});

const refit = createRoute({
  method: 'post',
  path: '/api/predictions/refit',
  tags,
  security: Security,
  summary: 'Refit the models and recommendations now, as of today (the nightly job does this by itself)',
  responses: { 200: json(RefitResult, 'What the refit did'), ...errors() },
});

export function registerPredictionRoutes(app: OpenAPIHono<ApiEnv>, deps: ApiDeps): void {
  const { db } = deps;

  app.openapi(summary, async (c) => {
    return c.json(presentPredictionSummary(await readPredictionSummary(db, c.get('principal'))), 200);
  });

  app.openapi(model, async (c) => {
    const { fit } = await readModelFit(db, c.get('principal'));
    return c.json(presentModelFit(fit), 200);
  });

  app.openapi(refit, async (c) => {
    const r = await refitNow(db, c.get('principal'));
    return c.json(
      {
        as_of: r.asOf,
        usable: r.usable,
        reason: r.reason,
        customers: r.customers,
        model_customers: r.modelCustomers,
        recommendations: { kind: r.recommendations.kind, customers: r.recommendations.customers },
        duration_ms: Math.round(r.durationMs),
      },
      200,
    );
  });
}
