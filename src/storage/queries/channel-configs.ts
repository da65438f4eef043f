/** Channel settings per workspace (secrets stay sealed here) and the routing/budget settings. */
import type { Sql } from '../connect.ts';

export interface ChannelConfigRow {
  channel: string;
  provider: string;
  enabled: boolean;
  /** The settings that are not secret. */
  config: Record<string, unknown>;
  /** Sealed (encrypted) secrets, or null. */
  secrets: string | null;
  costMinor: number | null;
  updatedAt: string;
}

type Raw = {
  channel: string;
  provider: string;
  enabled: boolean;
  config: Record<string, unknown>;
  secrets: string | null;
  cost_minor: number | null;
  updated_at: Date | string;
};

const fromRaw = (r: Raw): ChannelConfigRow => ({
  channel: r.channel,
  provider: r.provider,
  enabled: r.enabled,
  config: r.config,
  secrets: r.secrets,
  costMinor: r.cost_minor,
  updatedAt: new Date(r.updated_at).toISOString(),
});

export async function listChannelConfigs(sql: Sql, workspaceId: number): Promise<ChannelConfigRow[]> {
  const rows = await sql.query<Raw>(
    `SELECT channel, provider, enabled, config, secrets, cost_minor, updated_at FROM channel_configs
      WHERE workspace_id = $1 ORDER BY channel`,
    [workspaceId],
  );
  return rows.map(fromRaw);
}

export async function getChannelConfig(
  sql: Sql,
  workspaceId: number,
  channel: string,
): Promise<ChannelConfigRow | null> {
  const rows = await sql.query<Raw>(
    `SELECT channel, provider, enabled, config, secrets, cost_minor, updated_at FROM channel_configs
      WHERE workspace_id = $1 AND channel = $2`,
    [workspaceId, channel],
  );
  return rows[0] ? fromRaw(rows[0]) : null;
}

export async function upsertChannelConfig(
  sql: Sql,
  workspaceId: number,
  row: Omit<ChannelConfigRow, 'updatedAt'>,
): Promise<void> {
  await sql.query(
    `INSERT INTO channel_configs (workspace_id, channel, provider, enabled, config, secrets, cost_minor, updated_at)
     VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, now())
     ON CONFLICT (workspace_id, channel) DO UPDATE SET provider = EXCLUDED.provider, enabled = EXCLUDED.enabled,
       config = EXCLUDED.config, secrets = EXCLUDED.secrets, cost_minor = EXCLUDED.cost_minor, updated_at = now()`,
    [
      workspaceId,
      row.channel,
      row.provider,
      row.enabled,
      JSON.stringify(row.config),
      row.secrets,
      row.costMinor,
    ],
  );
}

export async function deleteChannelConfig(sql: Sql, workspaceId: number, channel: string): Promise<boolean> {
  const rows = await sql.query(
    'DELETE FROM channel_configs WHERE workspace_id = $1 AND channel = $2 RETURNING channel',
    [workspaceId, channel],
  );
  return rows.length > 0;
}

export interface MessagingSettingsRow {
  cascade: string[];
  budget: unknown;
  maxCostMinor: number | null;
}

export async function loadMessagingSettings(
  sql: Sql,
  workspaceId: number,
): Promise<MessagingSettingsRow | null> {
  const rows = await sql.query<{ cascade: string[]; budget: unknown; max_cost_minor: number | null }>(
    'SELECT cascade, budget, max_cost_minor FROM messaging_settings WHERE workspace_id = $1',
    [workspaceId],
  );
  const r = rows[0];
  return r ? { cascade: r.cascade, budget: r.budget, maxCostMinor: r.max_cost_minor } : null;
}

export async function saveMessagingSettings(
  sql: Sql,
  workspaceId: number,
  row: MessagingSettingsRow,
): Promise<void> {
  await sql.query(
    `INSERT INTO messaging_settings (workspace_id, cascade, budget, max_cost_minor, updated_at)
     VALUES ($1, $2::text[], $3::jsonb, $4, now())
     ON CONFLICT (workspace_id) DO UPDATE SET cascade = EXCLUDED.cascade, budget = EXCLUDED.budget,
       max_cost_minor = EXCLUDED.max_cost_minor, updated_at = now()`,
    [workspaceId, row.cascade, JSON.stringify(row.budget), row.maxCostMinor],
  );
}
