import type { Sql } from '../connect.ts';

export interface BatchCounters {
  rows: number;
  imported: number;
  skipped: number;
  rejectedCount: number;
  customersCreated: number;
  customersMatched: number;
}

export interface BatchRow extends BatchCounters {
  id: number;
  kind: string;
  fileName: string;
  status: string;
  lastLine: number;
  startedAt: string;
  finishedAt: string | null;
}

const SELECT = `SELECT id, kind, file_name, status, last_line, rows, imported, skipped, rejected_count,
                       customers_created, customers_matched, started_at, finished_at FROM import_batches`;

type Raw = {
  id: number;
  kind: string;
  file_name: string;
  status: string;
  last_line: number;
  rows: number;
  imported: number;
  skipped: number;
  rejected_count: number;
  customers_created: number;
  customers_matched: number;
  started_at: Date | string;
  finished_at: Date | string | null;
};

function toBatch(r: Raw): BatchRow {
  return {
    id: r.id,
    kind: r.kind,
    fileName: r.file_name,
    status: r.status,
    lastLine: r.last_line,
    rows: r.rows,
    imported: r.imported,
    skipped: r.skipped,
    rejectedCount: r.rejected_count,
    customersCreated: r.customers_created,
    customersMatched: r.customers_matched,
    startedAt: new Date(r.started_at).toISOString(),
    finishedAt: r.finished_at ? new Date(r.finished_at).toISOString() : null,
  };
}

/** The unfinished batch of this very file (same content hash and kind), if a run was cut off. */
export async function findUnfinishedBatch(
  sql: Sql,
  workspaceId: number,
  kind: string,
  fileHash: string,
): Promise<BatchRow | null> {
  const rows = await sql.query<Raw>(
    `${SELECT} WHERE workspace_id = $1 AND kind = $2 AND file_hash = $3 AND status = 'running' ORDER BY id DESC LIMIT 1`,
    [workspaceId, kind, fileHash],
  );
  return rows[0] ? toBatch(rows[0]) : null;
}

export async function createBatch(
  sql: Sql,
  workspaceId: number,
  b: { kind: string; fileName: string; fileHash: string; options: unknown },
): Promise<number> {
  const rows = await sql.query<{ id: number }>(
    `INSERT INTO import_batches (workspace_id, kind, file_name, file_hash, options) VALUES ($1, $2, $3, $4, $5::jsonb)
     RETURNING id`,
    [workspaceId, b.kind, b.fileName, b.fileHash, JSON.stringify(b.options)],
  );
  return rows[0]!.id;
}

/** Records progress; called in the same transaction as the rows it accounts for. */
export async function checkpointBatch(
  sql: Sql,
  workspaceId: number,
  batchId: number,
  lastLine: number,
  c: BatchCounters,
): Promise<void> {
  await sql.query(
    `UPDATE import_batches SET last_line = $3, rows = $4, imported = $5, skipped = $6, rejected_count = $7,
            customers_created = $8, customers_matched = $9
      WHERE workspace_id = $1 AND id = $2`,
    [
      workspaceId,
      batchId,
      lastLine,
      c.rows,
      c.imported,
      c.skipped,
      c.rejectedCount,
      c.customersCreated,
      c.customersMatched,
    ],
  );
}

export async function finishBatch(
  sql: Sql,
  workspaceId: number,
  batchId: number,
  status: 'completed' | 'failed',
) {
  await sql.query(
    `UPDATE import_batches SET status = $3, finished_at = now() WHERE workspace_id = $1 AND id = $2`,
    [workspaceId, batchId, status],
  );
}

export async function getBatch(sql: Sql, workspaceId: number, batchId: number): Promise<BatchRow | null> {
  const rows = await sql.query<Raw>(`${SELECT} WHERE workspace_id = $1 AND id = $2`, [workspaceId, batchId]);
  return rows[0] ? toBatch(rows[0]) : null;
}

export interface RejectRow {
  line: number;
  column: string | null;
  reason: string;
  raw: string | null;
}

export async function insertRejects(sql: Sql, workspaceId: number, batchId: number, rows: RejectRow[]) {
  if (rows.length === 0) return;
  await sql.query(
    `INSERT INTO import_rejects (workspace_id, batch_id, line, "column", reason, raw)
     SELECT $1, $2, t.* FROM unnest($3::int[], $4::text[], $5::text[], $6::text[]) AS t(line, col, reason, raw)
     ON CONFLICT (workspace_id, batch_id, line) DO NOTHING`,
    [
      workspaceId,
      batchId,
      rows.map((r) => r.line),
      rows.map((r) => r.column),
      rows.map((r) => r.reason),
      rows.map((r) => r.raw),
    ],
  );
}

export async function listRejects(sql: Sql, workspaceId: number, batchId: number): Promise<RejectRow[]> {
  return sql.query<RejectRow>(
    `SELECT line, "column", reason, raw FROM import_rejects WHERE workspace_id = $1 AND batch_id = $2 ORDER BY line`,
    [workspaceId, batchId],
  );
}

export function newCounters(): BatchCounters {
  return { rows: 0, imported: 0, skipped: 0, rejectedCount: 0, customersCreated: 0, customersMatched: 0 };
}
