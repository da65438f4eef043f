import type { Sql } from '../connect.ts';

export type CatalogTable = 'staff' | 'branches' | 'categories';

/** Ids for names in a name-keyed table (staff, branches, categories), creating missing ones. */
export async function ensureNamed(
  sql: Sql,
  workspaceId: number,
  table: CatalogTable,
  names: string[],
): Promise<Map<string, number>> {
  const unique = [...new Set(names)];
  const out = new Map<string, number>();
  if (unique.length === 0) return out;
  await sql.query(
    `INSERT INTO ${table} (workspace_id, name) SELECT $1, n FROM unnest($2::text[]) AS n
     ON CONFLICT (workspace_id, name) DO NOTHING`,
    [workspaceId, unique],
  );
  const rows = await sql.query<{ id: number; name: string }>(
    `SELECT id, name FROM ${table} WHERE workspace_id = $1 AND name = ANY($2::text[])`,
    [workspaceId, unique],
  );
  for (const r of rows) out.set(r.name, r.id);
  return out;
}

/**
 * Product ids by name; a product's category is set when it has none yet (the first
 * category seen for a product wins, later different ones do not move it).
 */
export async function ensureProducts(
  sql: Sql,
  workspaceId: number,
  items: { name: string; categoryId: number | null }[],
): Promise<Map<string, number>> {
  const byName = new Map<string, number | null>();
  for (const it of items)
    if (!byName.has(it.name) || byName.get(it.name) === null) byName.set(it.name, it.categoryId);
  const out = new Map<string, number>();
  if (byName.size === 0) return out;
  const names = [...byName.keys()];
  const rows = await sql.query<{ id: number; name: string }>(
    `INSERT INTO products (workspace_id, name, category_id)
     SELECT $1, n, c FROM unnest($2::text[], $3::bigint[]) AS t(n, c)
     ON CONFLICT (workspace_id, name) DO UPDATE SET category_id = COALESCE(products.category_id, EXCLUDED.category_id)
     RETURNING id, name`,
    [workspaceId, names, names.map((n) => byName.get(n) ?? null)],
  );
  for (const r of rows) out.set(r.name, r.id);
  return out;
}
