/**
 * Predictive analytics (issue 5) as the nightly refit leaves them: the workspace's last model
 * fit, each customer's figures from it (or from the cycle rules when the model cannot be
 * trusted), and each customer's top recommendations. Rewritten whole by each refit.
 */
import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  date,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
} from 'drizzle-orm/pg-core';
import { money, workspaceId } from '../columns.ts';

/** One row per workspace: the last BG/NBD + Gamma-Gamma fit and whether it is usable. */
export const modelFits = pgTable('model_fits', {
  workspaceId: bigint('workspace_id', { mode: 'number' }).primaryKey(),
  /** Purchases up to and including this day (workspace zone) were fitted. */
  asOf: date('as_of').notNull(),
  fittedAt: timestamp('fitted_at', { withTimezone: true }).notNull().defaultNow(),
  /** day | week */
  unit: text('unit').notNull(),
  /**
   * app/analytics/predict-customers.ts ModelFit['bgnbd'], plus (app/analytics/refit.ts):
   * `expected_90d` {purchases, revenue: {estimate, low, high, level} | null, method} — the
   * workspace totals for the next 90 days with 90 % intervals; `recommendations` {kind,
   * min_pair_count, customers}; `dropout_limit` when a, b were bounded (no dropout heterogeneity).
   */
  bgnbd: jsonb('bgnbd').notNull(),
  /** ModelFit['gamma_gamma'] */
  gammaGamma: jsonb('gamma_gamma').notNull(),
  /** False: customers carry the cycle-rule fallback, and `reason` says why. */
  usable: boolean('usable').notNull(),
  reason: text('reason'),
  durationMs: integer('duration_ms').notNull().default(0),
});

/** Per customer: the model's figures, or the rule fallback (source = 'rules', nulls). */
export const customerPredictions = pgTable(
  'customer_predictions',
  {
    workspaceId: workspaceId(),
    customerId: bigint('customer_id', { mode: 'number' }).notNull(),
    asOf: date('as_of').notNull(),
    /** model | rules */
    source: text('source').notNull(),
    pAlive: doublePrecision('p_alive'),
    expectedPurchases90d: doublePrecision('expected_purchases_90d'),
    /** Discounted CLV over the horizon, with the workspace margin. */
    predictedClv: money('predicted_clv'),
    /** Expected repeat revenue in the next 90 days (expected purchases × expected spend). */
    expectedRevenue90d: money('expected_revenue_90d'),
    /** low | medium | high */
    churnRisk: text('churn_risk').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.customerId] }),
    index('customer_predictions_clv_idx').on(t.workspaceId, t.predictedClv),
    index('customer_predictions_alive_idx').on(t.workspaceId, t.pAlive),
  ],
);

/** Per customer: the top items (categories or products) they have not bought, by lift. */
export const customerRecommendations = pgTable(
  'customer_recommendations',
  {
    workspaceId: workspaceId(),
    customerId: bigint('customer_id', { mode: 'number' }).notNull(),
    /** 1, 2, 3 */
    rank: smallint('rank').notNull(),
    /** category | product (categories when the workspace's lines carry ≥ 2, else products) */
    kind: text('kind').notNull().default(sql`'category'`),
    /** The category (or product) name as the workspace spells it. */
    item: text('item').notNull(),
    /** Σ lift (> 1) from the customer's items; 0 = most-popular fill (no personal signal). */
    score: doublePrecision('score').notNull(),
    asOf: date('as_of').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.customerId, t.rank] }),
    index('customer_recommendations_item_idx').on(t.workspaceId, t.item),
  ],
);
