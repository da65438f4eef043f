import type { Sql } from '../connect.ts';

/**
 * Completed transactions of identified customers up to a day, zero-value ones included:
 * the input of the BG/NBD and Gamma-Gamma models, which count transactions as the papers
 * do (CDNOW has $0 purchases), whereas the KPI definitions count only amount > 0.
 */
export async function loadTransactions(
  sql: Sql,
  workspaceId: number,
  upTo: string,
): Promise<{ customerId: number; day: string; amountCents: number }[]> {
  const rows = await sql.query<{ c: number; d: string; a: string }>(
    `SELECT customer_id AS c, ordered_on AS d, amount::text AS a FROM orders
      WHERE workspace_id = $1 AND customer_id IS NOT NULL AND status = 'completed' AND amount >= 0
        AND ordered_on <= $2::date`,
    [workspaceId, upTo],
  );
  return rows.map((r) => ({ customerId: r.c, day: r.d, amountCents: Math.round(Number(r.a) * 100) }));
}
