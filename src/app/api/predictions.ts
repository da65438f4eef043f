/**
 * Predictions for the API: the workspace summary (fit status, expected repeat revenue in the
 * next 90 days with its band, "high value at risk"), the stored fit, a refit on demand, and a
 * customer's prediction and recommendations for the card. Reads what the last refit stored.
 *
 * "High value at risk" = churn risk high (P(alive) < 0.3) AND a CLV *if still active* (predicted
 * CLV / P(alive): what the customer would bring if not gone) in the workspace's top fifth. Plain
 * predicted CLV already discounts by P(alive), so "top fifth by CLV and P(alive) < 0.3" is empty
 * on most bases — the customers worth winning back are those whose value is high were they still
 * active. The threshold is the whole workspace's even for a manager, so "high value" means the same
 * thing to everyone; the counts are the caller's visible customers only.
 */
import type { Band } from '../../core/clv/uncertainty.ts';
import { AppError } from '../../core/errors.ts';
import type { Database } from '../../storage/connect.ts';
import {
  loadModelFit,
  type ModelFitRow,
  type PredictionRow,
  type PredictionTotals,
  predictionTotals,
  type RecommendationRow,
  valueIfActiveQuantile,
} from '../../storage/queries/predictions.ts';
import { type RefitResult, refitWorkspace } from '../analytics/refit.ts';
import { workspaceContext } from './context.ts';
import { type Principal, requirePermission, visibleManager } from './principal.ts';

export type { ModelFitRow } from '../../storage/queries/predictions.ts';

export const HIGH_VALUE_QUANTILE = 0.8;
export const AT_RISK_CHURN_RISK = 'high' as const;

export interface PredictionSummary {
  currency: string;
  fit: ModelFitRow | null;
  /** 'model': BG/NBD in use; 'rules': fell back (fit.reason says why); 'none': never fitted. */
  status: 'model' | 'rules' | 'none';
  /** Whole workspace, or only the manager's customers. */
  scope: 'workspace' | 'manager';
  totals: PredictionTotals;
  /** 90 % intervals; only for the whole workspace (the stored band is workspace-level). */
  bands: { purchases: Band | null; revenue: Band | null } | null;
  highValue: { minValue: string | null; quantile: number; churnRisk: typeof AT_RISK_CHURN_RISK };
}

function storedBands(fit: ModelFitRow | null): { purchases: Band | null; revenue: Band | null } | null {
  const e = fit?.bgnbd.expected_90d as { purchases?: Band | null; revenue?: Band | null } | null | undefined;
  if (!e) return null;
  return { purchases: e.purchases ?? null, revenue: e.revenue ?? null };
}

export async function readPredictionSummary(db: Database, principal: Principal): Promise<PredictionSummary> {
  requirePermission(principal, 'reports:read');
  const ws = principal.workspaceId;
  const manager = visibleManager(principal);
  const { settings } = await workspaceContext(db, ws);
  const fit = await loadModelFit(db, ws);
  const minValue = fit?.usable ? await valueIfActiveQuantile(db, ws, HIGH_VALUE_QUANTILE) : null;
  const totals = await predictionTotals(db, ws, manager, { minValue, risks: [AT_RISK_CHURN_RISK] });
  return {
    currency: settings.currency,
    fit,
    status: fit === null ? 'none' : fit.usable ? 'model' : 'rules',
    scope: manager === null ? 'workspace' : 'manager',
    totals,
    bands: manager === null ? storedBands(fit) : null,
    highValue: { minValue, quantile: HIGH_VALUE_QUANTILE, churnRisk: AT_RISK_CHURN_RISK },
  };
}

export async function readModelFit(
  db: Database,
  principal: Principal,
): Promise<{ fit: ModelFitRow; currency: string }> {
  requirePermission(principal, 'reports:read');
  const fit = await loadModelFit(db, principal.workspaceId);
  if (!fit) throw new AppError('not_found', 'no model fit yet: run a refit or wait for the nightly one');
  const { settings } = await workspaceContext(db, principal.workspaceId);
  return { fit, currency: settings.currency };
}

/** Refit now, as of the workspace's today (the nightly job's work, on demand). */
export async function refitNow(db: Database, principal: Principal, now?: Date): Promise<RefitResult> {
  requirePermission(principal, 'settings:write');
  const { settings, today } = await workspaceContext(db, principal.workspaceId, now);
  return refitWorkspace(db, principal.workspaceId, today, settings);
}

export interface CardPrediction {
  prediction: (PredictionRow & { asOf: string; fallbackReason: string | null }) | null;
  recommendations: RecommendationRow[];
}
