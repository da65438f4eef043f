/**
 * SQL of the predictive analytics (issue 5): the item lines the recommender learns from, the
 * refit's writes (model_fits, customer_predictions, customer_recommendations — replaced whole,
 * in one transaction) and the reads of the card, the CLI and the predictions API. Every read
 * that lists customers takes the manager filter (`manager`: null = everyone).
 */
import type { Database, Sql } from '../connect.ts';

export type RecommendationKind = 'category' | 'product';

/** Distinct (customer, day, item) of completed purchases up to a day, by category or by product. */
export async function loadItemLines(
  sql: Sql,
  workspaceId: number,
  upTo: string,
  kind: RecommendationKind,
): Promise<{ customerId: number; day: string; item: string }[]> {
  const itemExpr = kind === 'category' ? 'cat.name' : 'COALESCE(p.name, l.item)';
  const join =
    kind === 'category'
      ? 'JOIN categories cat ON cat.workspace_id = l.workspace_id AND cat.id = l.category_id'
      : 'LEFT JOIN products p ON p.workspace_id = l.workspace_id AND p.id = l.product_id';
  const rows = await sql.query<{ c: number; d: string; k: string }>(
    `SELECT DISTINCT o.customer_id AS c, o.ordered_on::text AS d, ${itemExpr} AS k
       FROM orders o
       JOIN order_lines l ON l.workspace_id = o.workspace_id AND l.order_id = o.id
       ${join}
      WHERE o.workspace_id = $1 AND o.customer_id IS NOT NULL AND o.status = 'completed' AND o.amount > 0
        AND o.ordered_on <= $2::date AND ${itemExpr} IS NOT NULL`,
    [workspaceId, upTo],
  );
  return rows.map((r) => ({ customerId: Number(r.c), day: r.d, item: r.k }));
}

/** How many distinct categories and products the workspace's purchase lines carry. */
export async function countLineItems(
  sql: Sql,
  workspaceId: number,
): Promise<{ categories: number; products: number }> {
  const [r] = await sql.query<{ c: string; p: string }>(
    `SELECT COUNT(DISTINCT l.category_id)::text AS c,
            COUNT(DISTINCT COALESCE(p.name, l.item))::text AS p
       FROM order_lines l
       LEFT JOIN products p ON p.workspace_id = l.workspace_id AND p.id = l.product_id
      WHERE l.workspace_id = $1`,
    [workspaceId],
  );
  return { categories: Number(r?.c ?? 0), products: Number(r?.p ?? 0) };
}

/** Lifecycle status of every customer that is not merged away (the rule fallback needs it). */
export async function loadCustomerStatuses(sql: Sql, workspaceId: number): Promise<Map<number, string>> {
  const rows = await sql.query<{ id: number; status: string }>(
    'SELECT id, status FROM customers WHERE workspace_id = $1 AND merged_into IS NULL',
    [workspaceId],
  );
  return new Map(rows.map((r) => [Number(r.id), r.status]));
}

export interface ModelFitRow {
  asOf: string;
  fittedAt: string;
  unit: string;
  bgnbd: Record<string, unknown>;
  gammaGamma: Record<string, unknown>;
  usable: boolean;
  reason: string | null;
  durationMs: number;
}

export interface PredictionRow {
  customerId: number;
  source: 'model' | 'rules';
  pAlive: number | null;
  expectedPurchases90d: number | null;
  /** Exact decimal strings (numeric(18,2)). */
  predictedClv: string | null;
  expectedRevenue90d: string | null;
  churnRisk: 'low' | 'medium' | 'high';
}

export interface RecommendationRow {
  customerId: number;
  rank: number;
  kind: RecommendationKind;
  item: string;
  score: number;
}

const BATCH = 5000;

/**
 * Replaces the workspace's fit, predictions and recommendations in one transaction, so a
 * reader sees either yesterday's set or today's, never half of each.
 */
export async function saveRefit(
  db: Database,
  workspaceId: number,
  fit: Omit<ModelFitRow, 'fittedAt'>,
  predictions: readonly PredictionRow[],
  recommendations: readonly RecommendationRow[],
): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query(
      `INSERT INTO model_fits (workspace_id, as_of, fitted_at, unit, bgnbd, gamma_gamma, usable, reason, duration_ms)
       VALUES ($1, $2::date, now(), $3, $4::jsonb, $5::jsonb, $6, $7, $8)
       ON CONFLICT (workspace_id) DO UPDATE SET as_of = EXCLUDED.as_of, fitted_at = EXCLUDED.fitted_at,
         unit = EXCLUDED.unit, bgnbd = EXCLUDED.bgnbd, gamma_gamma = EXCLUDED.gamma_gamma,
         usable = EXCLUDED.usable, reason = EXCLUDED.reason, duration_ms = EXCLUDED.duration_ms`,
      [
        workspaceId,
        fit.asOf,
        fit.unit,
        JSON.stringify(fit.bgnbd),
        JSON.stringify(fit.gammaGamma),
        fit.usable,
        fit.reason,
        Math.round(fit.durationMs),
      ],
    );
    await tx.query('DELETE FROM customer_predictions WHERE workspace_id = $1', [workspaceId]);
    await tx.query('DELETE FROM customer_recommendations WHERE workspace_id = $1', [workspaceId]);
    for (let i = 0; i < predictions.length; i += BATCH) {
      const part = predictions.slice(i, i + BATCH);
      await tx.query(
        `INSERT INTO customer_predictions (workspace_id, customer_id, as_of, source, p_alive,
           expected_purchases_90d, predicted_clv, expected_revenue_90d, churn_risk)
         SELECT $1, c, $2::date, s, pa, ep, clv::numeric, rev::numeric, risk
           FROM unnest($3::bigint[], $4::text[], $5::float8[], $6::float8[], $7::text[], $8::text[], $9::text[])
             AS t(c, s, pa, ep, clv, rev, risk)`,
        [
          workspaceId,
          fit.asOf,
          part.map((p) => p.customerId),
          part.map((p) => p.source),
          part.map((p) => p.pAlive),
          part.map((p) => p.expectedPurchases90d),
          part.map((p) => p.predictedClv),
          part.map((p) => p.expectedRevenue90d),
          part.map((p) => p.churnRisk),
        ],
      );
    }
    for (let i = 0; i < recommendations.length; i += BATCH) {
      const part = recommendations.slice(i, i + BATCH);
      await tx.query(
        `INSERT INTO customer_recommendations (workspace_id, customer_id, rank, kind, item, score, as_of)
         SELECT $1, c, r, k, it, sc, $2::date
           FROM unnest($3::bigint[], $4::int2[], $5::text[], $6::text[], $7::float8[]) AS t(c, r, k, it, sc)`,
        [
          workspaceId,
          fit.asOf,
          part.map((r) => r.customerId),
          part.map((r) => r.rank),
          part.map((r) => r.kind),
          part.map((r) => r.item),
          part.map((r) => r.score),
        ],
      );
    }
  });
}

export async function loadModelFit(sql: Sql, workspaceId: number): Promise<ModelFitRow | null> {
  const [r] = await sql.query<{
    as_of: string;
    fitted_at: string | Date;
    unit: string;
    bgnbd: Record<string, unknown> | string;
    gamma_gamma: Record<string, unknown> | string;
    usable: boolean;
    reason: string | null;
    duration_ms: number;
  }>(
    `SELECT as_of::text AS as_of, fitted_at, unit, bgnbd, gamma_gamma, usable, reason, duration_ms
       FROM model_fits WHERE workspace_id = $1`,
    [workspaceId],
  );
  if (!r) return null;
  const obj = (v: Record<string, unknown> | string) => (typeof v === 'string' ? JSON.parse(v) : v);
  return {
    asOf: r.as_of,
    fittedAt: new Date(r.fitted_at).toISOString(),
    unit: r.unit,
    bgnbd: obj(r.bgnbd),
    gammaGamma: obj(r.gamma_gamma),
    usable: r.usable,
    reason: r.reason,
    durationMs: Number(r.duration_ms),
  };
}

export interface RawPrediction {
  c: number;
  source: string;
  p_alive: number | null;
  ep: number | null;
  clv: string | null;
  rev: string | null;
  risk: string;
}

export const toPrediction = (r: RawPrediction): PredictionRow => ({
  customerId: Number(r.c),
  source: r.source as PredictionRow['source'],
  pAlive: r.p_alive === null ? null : Number(r.p_alive),
  expectedPurchases90d: r.ep === null ? null : Number(r.ep),
  predictedClv: r.clv,
  expectedRevenue90d: r.rev,
  churnRisk: r.risk as PredictionRow['churnRisk'],
});

export const PREDICTION_COLUMNS = `p.customer_id AS c, p.source, p.p_alive, p.expected_purchases_90d AS ep,
  p.predicted_clv::text AS clv, p.expected_revenue_90d::text AS rev, p.churn_risk AS risk`;

/** Every stored prediction of the workspace (the CLI's `customers --json`). */
export async function loadPredictions(sql: Sql, workspaceId: number): Promise<Map<number, PredictionRow>> {
  const rows = await sql.query<RawPrediction>(
    `SELECT ${PREDICTION_COLUMNS} FROM customer_predictions p WHERE p.workspace_id = $1`,
    [workspaceId],
  );
  return new Map(rows.map((r) => [Number(r.c), toPrediction(r)]));
}

/** The columns of a stored recommendation `r`, as `toRecommendation` reads them. */
export const RECOMMENDATION_COLUMNS = 'r.customer_id AS c, r.rank, r.kind, r.item, r.score';

/** Every customer's stored recommendations, best first (the card reads its own in its statement). */
export async function loadRecommendations(sql: Sql, workspaceId: number): Promise<RecommendationRow[]> {
  const rows = await sql.query<RawRecommendation>(
    `SELECT ${RECOMMENDATION_COLUMNS} FROM customer_recommendations r
      WHERE r.workspace_id = $1 ORDER BY r.customer_id, r.rank`,
    [workspaceId],
  );
  return rows.map(toRecommendation);
}

export interface RawRecommendation {
  c: number;
  rank: number;
  kind: string;
  item: string;
  score: number;
}

export const toRecommendation = (r: RawRecommendation): RecommendationRow => ({
  customerId: Number(r.c),
  rank: Number(r.rank),
  kind: r.kind as RecommendationKind,
  item: r.item,
  score: Number(r.score),
});

export interface PredictionTotals {
  /** Customers with a stored prediction (visible to the caller, not merged away). */
  customers: number;
  modelCustomers: number;
  /** Σ expected_revenue_90d, exact decimal; "0" when none. */
  expectedRevenue90d: string;
  expectedPurchases90d: number;
  /** Σ predicted CLV and Σ CLV if still active (CLV / P(alive)) of the high-value-at-risk group. */
  highValueAtRisk: { customers: number; predictedClv: string; valueIfActive: string };
}

/** CLV if the customer is still active: the discounted CLV divided by P(alive), to the cent. */
const VALUE_IF_ACTIVE = 'round(p.predicted_clv / p.p_alive::numeric, 2)';

/**
 * Workspace (or a manager's) totals of the stored predictions. "High value at risk" = churn
 * risk in `risks` AND CLV if still active ≥ `minValue` (an exact decimal string).
 */
export async function predictionTotals(
  sql: Sql,
  workspaceId: number,
  manager: number | null,
  highValue: { minValue: string | null; risks: readonly string[] },
): Promise<PredictionTotals> {
  const hv = `$3::numeric IS NOT NULL AND p.p_alive > 0 AND p.predicted_clv IS NOT NULL
              AND ${VALUE_IF_ACTIVE} >= $3::numeric AND p.churn_risk = ANY($4::text[])`;
  const [r] = await sql.query<{
    n: string;
    m: string;
    rev: string | null;
    ep: number | null;
    hv: string;
    hv_clv: string | null;
    hv_value: string | null;
  }>(
    `SELECT COUNT(*)::text AS n,
            COUNT(*) FILTER (WHERE p.source = 'model')::text AS m,
            SUM(p.expected_revenue_90d)::text AS rev,
            SUM(p.expected_purchases_90d) AS ep,
            COUNT(*) FILTER (WHERE ${hv})::text AS hv,
            SUM(p.predicted_clv) FILTER (WHERE ${hv})::text AS hv_clv,
            SUM(${VALUE_IF_ACTIVE}) FILTER (WHERE ${hv})::text AS hv_value
       FROM customer_predictions p
       JOIN customers c ON c.workspace_id = p.workspace_id AND c.id = p.customer_id
      WHERE p.workspace_id = $1 AND c.merged_into IS NULL
        AND ($2::bigint IS NULL OR c.manager_id = $2)`,
    [workspaceId, manager, highValue.minValue, highValue.risks],
  );
  return {
    customers: Number(r?.n ?? 0),
    modelCustomers: Number(r?.m ?? 0),
    expectedRevenue90d: r?.rev ?? '0',
    expectedPurchases90d: Number(r?.ep ?? 0),
    highValueAtRisk: {
      customers: Number(r?.hv ?? 0),
      predictedClv: r?.hv_clv ?? '0',
      valueIfActive: r?.hv_value ?? '0',
    },
  };
}

/** CLV if still active at quantile q (0..1) of the model-scored customers: the "high value" bar. */
export async function valueIfActiveQuantile(
  sql: Sql,
  workspaceId: number,
  q: number,
): Promise<string | null> {
  const [r] = await sql.query<{ v: string | null }>(
    `SELECT (percentile_disc($2::float8) WITHIN GROUP (ORDER BY ${VALUE_IF_ACTIVE}))::text AS v
       FROM customer_predictions p
      WHERE p.workspace_id = $1 AND p.source = 'model' AND p.predicted_clv IS NOT NULL AND p.p_alive > 0`,
    [workspaceId, q],
  );
  return r?.v ?? null;
}
