import type { Sql } from '../connect.ts';

/**
 * The workspace's report version (0 before anything was written): it moves whenever data a
 * report reads changes (triggers of migration 0008_search.sql).
 */
export async function reportVersion(sql: Sql, workspaceId: number): Promise<number> {
  const rows = await sql.query<{ version: number }>(
    'SELECT version FROM report_versions WHERE workspace_id = $1',
    [workspaceId],
  );
  return rows[0]?.version ?? 0;
}
