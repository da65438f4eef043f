/**
 * The refit (issue 5): BG/NBD + Gamma-Gamma fitted on the workspace's purchases up to its
 * today, every customer's figures, and every customer's top-3 next-service recommendations,
 * written in one transaction (model_fits, customer_predictions, customer_recommendations).
 *
 * Honest on small data:
 * - BG/NBD not trustworthy (too few repeat customers, degenerate or too uncertain fit) → every
 *   customer gets source = 'rules': churn risk from the lifecycle status, P(alive), expected
 *   purchases and CLV null; the fit row stores `usable = false` and the reason.
 * - BG/NBD fine but the spend model not → source = 'model' with P(alive) and expected purchases,
 *   CLV and expected revenue null; the fit row keeps `usable = true` and says why in `reason`.
 * - The workspace-level expected repeat purchases / revenue for the next 90 days carry a 90 %
 *   interval from the fit's covariance (core/clv/uncertainty.ts), stored in bgnbd.expected_90d.
 */
import {
  type BgNbdParams,
  conditionalExpectedPurchases,
  type FrequencyRecency,
  probabilityAlive,
} from '../../core/clv/bgnbd.ts';
import { churnRisk, customerLifetimeValue } from '../../core/clv/clv.ts';
import { dropoutLimit } from '../../core/clv/dropout-limit.ts';
import { conditionalExpectedSpend } from '../../core/clv/gammagamma.ts';
import { type Band, expectedTotalBand } from '../../core/clv/uncertainty.ts';
import { addDays, type Day } from '../../core/day.ts';
import { recommendationSupport, recommendForCustomers } from '../../core/recommend/co-occurrence.ts';
import { resolveSettings, type Settings } from '../../core/settings.ts';
import { centsToDecimal, type LifecycleStatus } from '../../core/types.ts';
import type { Database } from '../../storage/connect.ts';
import {
  countLineItems,
  loadCustomerStatuses,
  loadItemLines,
  loadModelFit,
  type PredictionRow,
  type RecommendationKind,
  type RecommendationRow,
  saveRefit,
} from '../../storage/queries/predictions.ts';
import { loadSettings } from '../../storage/queries/settings.ts';
import { listWorkspaceIds } from '../../storage/queries/workspaces.ts';
import { todayIn } from '../clock.ts';
import { fitOn, type ModelFit, riskFromStatus, summaries } from './predict-customers.ts';

/** The horizon of "expected purchases" and "expected revenue" (days). */
export const HORIZON_DAYS = 90;
/** CLV: 12 months at 1 % a month, times the workspace margin (as `customers --json`). */
const CLV_OPTIONS = { unit: 'day' as const, months: 12, monthlyDiscountRate: 0.01 };
const TOP_N = 3;

export interface Expected90d {
  /** Σ expected repeat purchases in the next 90 days, with its 90 % interval (null: not computable). */
  purchases: Band | null;
  /** Σ expected repeat revenue in the next 90 days (currency units), with its 90 % interval. */
  revenue: Band | null;
  method: 'delta method on the BG/NBD covariance (parameter uncertainty only)';
}

export interface RefitResult {
  workspaceId: number;
  asOf: Day;
  usable: boolean;
  reason: string | null;
  customers: number;
  modelCustomers: number;
  expected90d: Expected90d | null;
  recommendations: { kind: RecommendationKind | null; customers: number; minPairCount: number };
  durationMs: number;
}

/** Categories when the lines carry ≥ 2 of them (a salon's services), else products, else nothing. */
async function recommendationKind(db: Database, workspaceId: number): Promise<RecommendationKind | null> {
  const n = await countLineItems(db, workspaceId);
  if (n.categories >= 2) return 'category';
  if (n.products >= 2) return 'product';
  return null;
}

function money(units: number): string {
  return centsToDecimal(Math.round(units * 100));
}

/**
 * The BG/NBD parameters to predict with, or null (fall back to the rules). A fit rejected only
 * because a and b ran off to infinity (no dropout heterogeneity) is replaced by its bounded
 * limit (core/clv/dropout-limit.ts) when the data cannot tell the two apart; `fit.bgnbd` is
 * updated to say so.
 */
function usableModel(
  raw: ReturnType<typeof fitOn>['raw'],
  data: readonly FrequencyRecency[],
  fit: ModelFit,
): { params: BgNbdParams; covariance: number[][] | null; note: string | null } | null {
  if (raw.ok) return { params: raw.fit.params, covariance: raw.fit.covariance, note: null };
  if (!raw.fit || !/edge of the space/.test(raw.reason)) return null;
  const limit = dropoutLimit(raw.fit, data);
  if (!limit) return null;
  const note = `no dropout heterogeneity in the data: every customer drops out after a purchase with probability ${limit.meanDropout.toFixed(4)}; Beta(a, b) bounded at a + b = 1000 (log-likelihood ${limit.loss.toFixed(3)} below the unbounded fit), standard errors for r and α only`;
  Object.assign(fit.bgnbd, {
    ...limit.params,
    log_likelihood: limit.logLikelihood,
    standard_errors: null,
    usable: true,
    reason: note,
    dropout_limit: {
      mean_dropout: limit.meanDropout,
      concentration: 1000,
      log_likelihood_loss: limit.loss,
      standard_errors: limit.standardErrors,
    },
  });
  return { params: limit.params, covariance: limit.covariance, note };
}

export async function refitWorkspace(
  db: Database,
  workspaceId: number,
  asOf: Day,
  settings: Settings,
): Promise<RefitResult> {
  const started = performance.now();
  const data = await summaries(db, workspaceId, asOf, 'day');
  const { raw, ...fit } = fitOn(data, asOf, 'day');
  const statuses = await loadCustomerStatuses(db, workspaceId);
  // Merged-away customers have no orders left, but guard anyway: only live customers get rows.
  const live = data.filter((c) => statuses.has(Number(c.customerId)));

  const predictions: PredictionRow[] = [];
  let expected90d: Expected90d | null = null;
  let reason: string | null = null;
  const model = usableModel(raw, live, fit);
  if (model) {
    const bg = model.params;
    const gg =
      fit.gamma_gamma.usable && fit.gamma_gamma.p !== null
        ? { p: fit.gamma_gamma.p, q: fit.gamma_gamma.q!, gamma: fit.gamma_gamma.gamma! }
        : null;
    reason = model.note;
    if (!gg) {
      reason = [reason, `spend model not used (${fit.gamma_gamma.reason}): no CLV or expected revenue`]
        .filter(Boolean)
        .join('; ');
    }
    const spend: number[] = [];
    for (const c of live) {
      const pAlive = probabilityAlive(bg, c.x, c.tx, c.T);
      const expected = conditionalExpectedPurchases(bg, HORIZON_DAYS, c.x, c.tx, c.T);
      const m = gg ? conditionalExpectedSpend(gg, c.x, c.zbar) : 0;
      spend.push(m);
      predictions.push({
        customerId: Number(c.customerId),
        source: 'model',
        pAlive,
        expectedPurchases90d: expected,
        predictedClv: gg
          ? money(customerLifetimeValue(bg, m, c, { ...CLV_OPTIONS, margin: settings.margin }))
          : null,
        expectedRevenue90d: gg ? money(expected * m) : null,
        churnRisk: churnRisk(pAlive),
      });
    }
    expected90d = {
      purchases: expectedTotalBand(bg, model.covariance, live, HORIZON_DAYS),
      revenue: gg ? expectedTotalBand(bg, model.covariance, live, HORIZON_DAYS, spend) : null,
      method: 'delta method on the BG/NBD covariance (parameter uncertainty only)',
    };
  } else {
    reason = raw.ok ? null : raw.reason;
    for (const c of live) {
      predictions.push({
        customerId: Number(c.customerId),
        source: 'rules',
        pAlive: null,
        expectedPurchases90d: null,
        predictedClv: null,
        expectedRevenue90d: null,
        churnRisk: riskFromStatus(statuses.get(Number(c.customerId)) as LifecycleStatus),
      });
    }
  }

  const kind = await recommendationKind(db, workspaceId);
  const recommendations: RecommendationRow[] = [];
  let minPairCount = 0;
  let recommended = 0;
  if (kind) {
    const lines = (await loadItemLines(db, workspaceId, asOf, kind)).filter((l) =>
      statuses.has(l.customerId),
    );
    const customers = new Set(lines.map((l) => l.customerId)).size;
    minPairCount = recommendationSupport(customers);
    const recs = recommendForCustomers(
      lines.map((l) => ({ customerId: String(l.customerId), day: l.day, item: l.item })),
      { n: TOP_N, minPairCount, minLift: 1, aggregate: 'sum' },
    );
    for (const [id, list] of recs) {
      if (list.length > 0) recommended++;
      list.forEach((r, i) => {
        recommendations.push({ customerId: Number(id), rank: i + 1, kind, item: r.item, score: r.score });
      });
    }
  }

  const durationMs = performance.now() - started;
  const bgnbdJson: ModelFit['bgnbd'] & Record<string, unknown> = {
    ...fit.bgnbd,
    expected_90d: expected90d,
    recommendations: { kind, min_pair_count: minPairCount, customers: recommended },
  };
  await saveRefit(
    db,
    workspaceId,
    {
      asOf,
      unit: 'day',
      bgnbd: bgnbdJson,
      gammaGamma: fit.gamma_gamma as unknown as Record<string, unknown>,
      usable: model !== null,
      reason,
      durationMs,
    },
    predictions,
    recommendations,
  );
  return {
    workspaceId,
    asOf,
    usable: model !== null,
    reason,
    customers: predictions.length,
    modelCustomers: predictions.filter((p) => p.source === 'model').length,
    expected90d,
    recommendations: { kind, customers: recommended, minPairCount },
    durationMs,
  };
}

/** The local hour from which a workspace's night refit is due (its daily refresh runs at midnight). */
export const NIGHT_REFIT_HOUR = 3;

function localHour(timeZone: string, now: Date): number {
  const h = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', hourCycle: 'h23' }).format(now);
  return Number(h);
}

/**
 * The nightly refit: each workspace is refitted once per its own local night, as of its today —
 * from 03:00 local, after the daily refresh has moved statuses. A workspace never fitted, or
 * whose last fit is older than yesterday (the server was down at night), is refitted at once.
 * Idempotent: a workspace already fitted for its today is skipped, so repeated ticks, restarts or
 * a second process do no double work. `only` scopes the run (tests on a shared database).
 */
export async function refitDueWorkspaces(
  db: Database,
  now: Date,
  only?: readonly number[],
): Promise<RefitResult[]> {
  const done: RefitResult[] = [];
  for (const workspaceId of only ?? (await listWorkspaceIds(db))) {
    const settings = resolveSettings(await loadSettings(db, workspaceId));
    const today = todayIn(settings.timezone, now);
    const last = await loadModelFit(db, workspaceId);
    if (last && last.asOf >= today) continue;
    const overdue = !last || last.asOf < addDays(today, -1);
    if (!overdue && localHour(settings.timezone, now) < NIGHT_REFIT_HOUR) continue;
    done.push(await refitWorkspace(db, workspaceId, today, settings));
  }
  return done;
}
