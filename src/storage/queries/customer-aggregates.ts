import type { Sql } from '../connect.ts';

/**
 * Recomputes the purchase aggregates of the given customers from their orders
 * (purchase = completed with amount > 0; first order by time, then arrival). Runs in
 * the caller's transaction, so aggregates never disagree with the orders they summarise.
 */
export async function refreshPurchaseAggregates(sql: Sql, workspaceId: number, customerIds: number[]): Promise<void> {
  if (customerIds.length === 0) return;
  await sql.query(
    `WITH ids AS (SELECT DISTINCT unnest($2::bigint[]) AS id),
     agg AS (
       SELECT o.customer_id,
              min(o.ordered_on) AS first_on, max(o.ordered_on) AS last_on,
              count(DISTINCT o.ordered_on)::int AS days, count(*)::int AS n, sum(o.amount) AS revenue,
              (array_agg(o.id ORDER BY o.ordered_at, o.id))[1] AS first_id
         FROM orders o
        WHERE o.workspace_id = $1 AND o.customer_id IN (SELECT id FROM ids)
          AND o.status = 'completed' AND o.amount > 0
        GROUP BY o.customer_id)
     UPDATE customers c SET
        first_purchase_on = agg.first_on, last_purchase_on = agg.last_on,
        purchase_days = COALESCE(agg.days, 0), purchases = COALESCE(agg.n, 0),
        revenue = COALESCE(agg.revenue, 0), first_order_id = agg.first_id, updated_at = now()
       FROM ids LEFT JOIN agg ON agg.customer_id = ids.id
      WHERE c.workspace_id = $1 AND c.id = ids.id`,
    [workspaceId, customerIds],
  );
}
