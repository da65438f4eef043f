/** What the demo's messaging setup reads: whether the ledger is empty, and who can be reached where. */
import type { Sql } from '../connect.ts';

export async function hasAnyConsent(sql: Sql, workspaceId: number): Promise<boolean> {
  const rows = await sql.query('SELECT 1 FROM consents WHERE workspace_id = $1 LIMIT 1', [workspaceId]);
  return rows.length > 0;
}

/** Each live customer with the identifier kinds they have (email, phone, telegram, …). */
export async function customerContactKinds(
  sql: Sql,
  workspaceId: number,
): Promise<{ id: number; kinds: string[] }[]> {
  const rows = await sql.query<{ id: number; kinds: string[] | null }>(
    `SELECT c.id, array_agg(DISTINCT i.kind) FILTER (WHERE i.kind IS NOT NULL) AS kinds
       FROM customers c
       LEFT JOIN customer_identifiers i ON i.workspace_id = c.workspace_id AND i.customer_id = c.id
      WHERE c.workspace_id = $1 AND c.merged_into IS NULL
      GROUP BY c.id ORDER BY c.id`,
    [workspaceId],
  );
  return rows.map((r) => ({ id: Number(r.id), kinds: r.kinds ?? [] }));
}
