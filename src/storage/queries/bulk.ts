/**
 * Bulk changes to the customers a filter matches: one UPDATE each, which touches only rows
 * that actually change (so "changed" is exact and a repeat is a no-op), and appends an
 * `updated` event to each changed customer's timeline in the same statement.
 */
import type { Sql } from '../connect.ts';
import { type CustomerListFilter, customerWhere, paramsFor } from './customer-list.ts';

export type BulkChange =
  | { action: 'add_tag'; tag: string }
  | { action: 'remove_tag'; tag: string }
  | { action: 'assign_manager'; managerId: number | null };

/** Applies the change to every customer the filter matches; returns the changed count. */
export async function applyBulkChange(
  sql: Sql,
  workspaceId: number,
  filter: CustomerListFilter,
  change: BulkChange,
  event: Record<string, unknown>,
): Promise<number> {
  const { params, p } = paramsFor(workspaceId);
  const where = customerWhere(filter, p);
  let set: string;
  if (change.action === 'add_tag') {
    const tag = p(change.tag);
    set = `tags = array_append(c.tags, ${tag}::text)`;
    where.push(`NOT (c.tags @> ARRAY[${tag}::text])`);
  } else if (change.action === 'remove_tag') {
    const tag = p(change.tag);
    set = `tags = array_remove(c.tags, ${tag}::text)`;
    where.push(`c.tags @> ARRAY[${tag}::text]`);
  } else {
    const m = p(change.managerId);
    set = `manager_id = ${m}::bigint`;
    where.push(`c.manager_id IS DISTINCT FROM ${m}::bigint`);
  }
  const data = p(JSON.stringify(event));
  const [row] = await sql.query<{ n: number }>(
    `WITH changed AS (
        UPDATE customers c SET ${set}, updated_at = now() WHERE ${where.join(' AND ')} RETURNING c.id
     ), logged AS (
        INSERT INTO events (workspace_id, customer_id, type, occurred_at, data)
        SELECT $1, id, 'updated', now(), ${data}::jsonb FROM changed
     )
     SELECT count(*)::int AS n FROM changed`,
    params,
  );
  return row?.n ?? 0;
}
