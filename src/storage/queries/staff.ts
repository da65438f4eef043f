import type { Sql } from '../connect.ts';

export async function listStaff(sql: Sql, workspaceId: number): Promise<{ id: number; name: string }[]> {
  return sql.query<{ id: number; name: string }>(
    'SELECT id, name FROM staff WHERE workspace_id = $1 ORDER BY name, id',
    [workspaceId],
  );
}

export async function staffExists(sql: Sql, workspaceId: number, id: number): Promise<boolean> {
  const rows = await sql.query('SELECT 1 FROM staff WHERE workspace_id = $1 AND id = $2', [workspaceId, id]);
  return rows.length > 0;
}
