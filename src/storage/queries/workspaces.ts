import type { Sql } from '../connect.ts';

/** The workspace id for `name`, creating the workspace on first use. */
export async function ensureWorkspace(sql: Sql, name: string): Promise<{ id: number; created: boolean }> {
  const found = await sql.query<{ workspace_id: number }>(
    'SELECT workspace_id FROM workspaces WHERE name = $1',
    [name],
  );
  if (found[0]) return { id: found[0].workspace_id, created: false };
  const rows = await sql.query<{ workspace_id: number; inserted: boolean }>(
    `INSERT INTO workspaces (name) VALUES ($1)
     ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name
     RETURNING workspace_id, (xmax = 0) AS inserted`,
    [name],
  );
  return { id: rows[0]!.workspace_id, created: rows[0]!.inserted };
}

export async function findWorkspace(sql: Sql, name: string): Promise<number | null> {
  const rows = await sql.query<{ workspace_id: number }>(
    'SELECT workspace_id FROM workspaces WHERE name = $1',
    [name],
  );
  return rows[0]?.workspace_id ?? null;
}

export async function listWorkspaceIds(sql: Sql): Promise<number[]> {
  const rows = await sql.query<{ workspace_id: number }>(
    'SELECT workspace_id FROM workspaces ORDER BY workspace_id',
  );
  return rows.map((r) => r.workspace_id);
}
