import type { Sql } from '../connect.ts';

export async function loadSettings(sql: Sql, workspaceId: number): Promise<Record<string, unknown>> {
  const rows = await sql.query<{ key: string; value: unknown }>(
    'SELECT key, value FROM settings WHERE workspace_id = $1',
    [workspaceId],
  );
  return Object.fromEntries(rows.map((r) => [r.key, r.value]));
}

export async function saveSetting(sql: Sql, workspaceId: number, key: string, value: unknown): Promise<void> {
  await sql.query(
    `INSERT INTO settings (workspace_id, key, value, updated_at) VALUES ($1, $2, $3::jsonb, now())
     ON CONFLICT (workspace_id, key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
    [workspaceId, key, JSON.stringify(value)],
  );
}
