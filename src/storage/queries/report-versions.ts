import type { Sql } from '../connect.ts';

/**
 * A workspace's version (0 before anything was written) of what a kept report depends on:
 * `reports` moves with every change to orders, lines, categories, targets and managers
 * (migration 0008_search.sql); `customers` at the commit of every change to customers' status,
 * segments, scores, manager or merge (migration 0010_customer_versions.sql).
 */
export async function dataVersion(
  sql: Sql,
  workspaceId: number,
  of: 'reports' | 'customers',
): Promise<number> {
  const table = of === 'reports' ? 'report_versions' : 'customer_versions';
  const rows = await sql.query<{ version: number }>(`SELECT version FROM ${table} WHERE workspace_id = $1`, [
    workspaceId,
  ]);
  return rows[0]?.version ?? 0;
}

export interface StoredReport {
  version: number;
  body: string;
  costMs: number;
  computedAt: Date;
}

/** A report kept by an earlier computation (this process or one before it), or null. */
export async function loadStoredReport(
  sql: Sql,
  workspaceId: number,
  keyHash: string,
): Promise<StoredReport | null> {
  const rows = await sql.query<{
    version: number;
    body: string;
    cost_ms: number;
    computed_at: Date | string;
  }>(
    'SELECT version, body, cost_ms, computed_at FROM report_cache WHERE workspace_id = $1 AND key_hash = $2',
    [workspaceId, keyHash],
  );
  const r = rows[0];
  if (!r) return null;
  return { version: Number(r.version), body: r.body, costMs: r.cost_ms, computedAt: new Date(r.computed_at) };
}

/**
 * Keeps a computed report. A slower computation finishing after a newer one never replaces it
 * (the version only moves forward).
 */
export async function storeReport(
  sql: Sql,
  workspaceId: number,
  keyHash: string,
  report: StoredReport,
): Promise<void> {
  await sql.query(
    `INSERT INTO report_cache AS c (workspace_id, key_hash, version, body, cost_ms, computed_at)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (workspace_id, key_hash) DO UPDATE
        SET version = excluded.version, body = excluded.body, cost_ms = excluded.cost_ms,
            computed_at = excluded.computed_at
      WHERE c.version <= excluded.version`,
    [workspaceId, keyHash, report.version, report.body, Math.round(report.costMs), report.computedAt],
  );
}

/**
 * Drops kept reports nobody asked for since `before` (yesterday's periods, settings since
 * changed). Returns how many went.
 */
export async function dropStoredReportsBefore(sql: Sql, workspaceId: number, before: Date): Promise<number> {
  const rows = await sql.query<{ n: number }>(
    `WITH gone AS (DELETE FROM report_cache WHERE workspace_id = $1 AND computed_at < $2 RETURNING 1)
     SELECT count(*)::int AS n FROM gone`,
    [workspaceId, before],
  );
  return rows[0]?.n ?? 0;
}
