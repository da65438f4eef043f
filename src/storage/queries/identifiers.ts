import type { IdentifierKind } from '../../core/types.ts';
import type { Sql } from '../connect.ts';

export interface IdentifierRow {
  kind: IdentifierKind;
  value: string;
  customerId: number;
}

/** Customer ids owning any of the given identifiers, keyed `kind:value`. */
export async function lookupIdentifiers(
  sql: Sql,
  workspaceId: number,
  keys: { kind: IdentifierKind; value: string }[],
): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (keys.length === 0) return out;
  const rows = await sql.query<{ kind: string; value: string; customer_id: number }>(
    `SELECT i.kind, i.value, i.customer_id
       FROM unnest($2::text[], $3::text[]) AS k(kind, value)
       JOIN customer_identifiers i ON i.workspace_id = $1 AND i.kind = k.kind AND i.value = k.value`,
    [workspaceId, keys.map((k) => k.kind), keys.map((k) => k.value)],
  );
  for (const r of rows) out.set(`${r.kind}:${r.value}`, r.customer_id);
  return out;
}

/**
 * Binds identifiers to customers. An identifier already bound (to anyone) is left as it
 * is; the rows that were not inserted are returned so the caller can record conflicts.
 */
export async function insertIdentifiers(
  sql: Sql,
  workspaceId: number,
  rows: IdentifierRow[],
): Promise<IdentifierRow[]> {
  if (rows.length === 0) return [];
  const inserted = await sql.query<{ kind: string; value: string }>(
    `INSERT INTO customer_identifiers (workspace_id, kind, value, customer_id)
     SELECT $1, kind, value, customer_id FROM unnest($2::text[], $3::text[], $4::bigint[]) AS t(kind, value, customer_id)
     ON CONFLICT (workspace_id, kind, value) DO NOTHING
     RETURNING kind, value`,
    [workspaceId, rows.map((r) => r.kind), rows.map((r) => r.value), rows.map((r) => r.customerId)],
  );
  const done = new Set(inserted.map((r) => `${r.kind}:${r.value}`));
  return rows.filter((r) => !done.has(`${r.kind}:${r.value}`));
}

export async function identifiersOf(
  sql: Sql,
  workspaceId: number,
  customerIds: number[],
): Promise<IdentifierRow[]> {
  if (customerIds.length === 0) return [];
  const rows = await sql.query<{ kind: IdentifierKind; value: string; customer_id: number }>(
    `SELECT kind, value, customer_id FROM customer_identifiers
      WHERE workspace_id = $1 AND customer_id = ANY($2::bigint[]) ORDER BY customer_id, kind, created_at, value`,
    [workspaceId, customerIds],
  );
  return rows.map((r) => ({ kind: r.kind, value: r.value, customerId: r.customer_id }));
}

/**
 * The first identifier of `kind` of the customer `c` in the surrounding query (the oldest
 * binding, then the smallest value), as a scalar subquery: one index-only probe of
 * customer_identifiers_customer_kind_idx (migration 0013), which is in exactly this order.
 */
export function firstIdentifierSql(kind: IdentifierKind): string {
  return `(SELECT i.value FROM customer_identifiers i
       WHERE i.workspace_id = c.workspace_id AND i.customer_id = c.id AND i.kind = '${kind}'
       ORDER BY i.created_at, i.value LIMIT 1)`;
}
