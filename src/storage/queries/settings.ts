import type { Sql } from '../connect.ts';
import { KeptPerHandle } from '../kept.ts';

/**
 * Settings are read by nearly every request (currency, time zone, country) and change rarely, so
 * a database handle keeps what it read for SETTINGS_TTL_MS. A write through saveSetting in this
 * process is seen at once (it moves the workspace's generation, which every handle checks); a
 * write by another process (the CLI's `settings set` beside a running server) within the TTL.
 */
export const SETTINGS_TTL_MS = 2000;

type Stored = Record<string, unknown>;
const generations = new Map<number, number>();
const kept = new KeptPerHandle<number, { settings: Stored; generation: number }>(SETTINGS_TTL_MS);

export async function loadSettings(sql: Sql, workspaceId: number): Promise<Stored> {
  const generation = generations.get(workspaceId) ?? 0;
  const hit = kept.get(sql, workspaceId);
  if (hit && hit.generation === generation) return { ...hit.settings };
  const rows = await sql.query<{ key: string; value: unknown }>(
    'SELECT key, value FROM settings WHERE workspace_id = $1',
    [workspaceId],
    { prepared: true },
  );
  const settings = Object.fromEntries(rows.map((r) => [r.key, r.value]));
  kept.set(sql, workspaceId, { settings, generation });
  return { ...settings };
}

export async function saveSetting(sql: Sql, workspaceId: number, key: string, value: unknown): Promise<void> {
  await sql.query(
    `INSERT INTO settings (workspace_id, key, value, updated_at) VALUES ($1, $2, $3::jsonb, now())
     ON CONFLICT (workspace_id, key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
    [workspaceId, key, JSON.stringify(value)],
  );
  // After the write: what any handle kept before it is dropped (ids may repeat across databases:
  // a needless re-read at worst). A read racing the write is bounded by the TTL.
  generations.set(workspaceId, (generations.get(workspaceId) ?? 0) + 1);
}
