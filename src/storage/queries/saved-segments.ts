/** Saved segments: the named rule sets of a workspace (membership is computed, never stored). */
import type { Sql } from '../connect.ts';

export interface SavedSegmentRow {
  id: number;
  name: string;
  description: string | null;
  /** As stored; the app layer parses it with core/segments/rules.ts. */
  rules: unknown;
  createdBy: number | null;
  createdAt: string;
  updatedAt: string;
}

type Raw = {
  id: number;
  name: string;
  description: string | null;
  rules: unknown;
  created_by: number | null;
  created_at: Date | string;
  updated_at: Date | string;
};

const COLUMNS = 'id, name, description, rules, created_by, created_at, updated_at';

function row(r: Raw): SavedSegmentRow {
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    rules: typeof r.rules === 'string' ? JSON.parse(r.rules) : r.rules,
    createdBy: r.created_by,
    createdAt: new Date(r.created_at).toISOString(),
    updatedAt: new Date(r.updated_at).toISOString(),
  };
}

export async function listSavedSegments(sql: Sql, workspaceId: number): Promise<SavedSegmentRow[]> {
  const rows = await sql.query<Raw>(
    `SELECT ${COLUMNS} FROM saved_segments WHERE workspace_id = $1 ORDER BY lower(name), id`,
    [workspaceId],
  );
  return rows.map(row);
}

export async function findSavedSegment(
  sql: Sql,
  workspaceId: number,
  id: number,
): Promise<SavedSegmentRow | null> {
  const [r] = await sql.query<Raw>(
    `SELECT ${COLUMNS} FROM saved_segments WHERE workspace_id = $1 AND id = $2`,
    [workspaceId, id],
  );
  return r ? row(r) : null;
}

export async function findSavedSegmentByName(
  sql: Sql,
  workspaceId: number,
  name: string,
): Promise<{ id: number } | null> {
  const [r] = await sql.query<{ id: number }>(
    'SELECT id FROM saved_segments WHERE workspace_id = $1 AND name = $2',
    [workspaceId, name],
  );
  return r ?? null;
}

export async function countSavedSegments(sql: Sql, workspaceId: number): Promise<number> {
  const [r] = await sql.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM saved_segments WHERE workspace_id = $1',
    [workspaceId],
  );
  return r?.n ?? 0;
}

export async function insertSavedSegment(
  sql: Sql,
  workspaceId: number,
  s: { name: string; description: string | null; rules: unknown; createdBy: number | null },
): Promise<SavedSegmentRow> {
  const [r] = await sql.query<Raw>(
    `INSERT INTO saved_segments (workspace_id, name, description, rules, created_by)
     VALUES ($1, $2, $3, $4::jsonb, $5) RETURNING ${COLUMNS}`,
    [workspaceId, s.name, s.description, JSON.stringify(s.rules), s.createdBy],
  );
  return row(r!);
}

export async function updateSavedSegment(
  sql: Sql,
  workspaceId: number,
  id: number,
  s: { name?: string; description?: string | null; rules?: unknown },
): Promise<SavedSegmentRow | null> {
  const [r] = await sql.query<Raw>(
    `UPDATE saved_segments SET
        name = CASE WHEN $3::boolean THEN $4 ELSE name END,
        description = CASE WHEN $5::boolean THEN $6 ELSE description END,
        rules = CASE WHEN $7::boolean THEN $8::jsonb ELSE rules END,
        updated_at = now()
      WHERE workspace_id = $1 AND id = $2 RETURNING ${COLUMNS}`,
    [
      workspaceId,
      id,
      s.name !== undefined,
      s.name ?? null,
      s.description !== undefined,
      s.description ?? null,
      s.rules !== undefined,
      s.rules === undefined ? null : JSON.stringify(s.rules),
    ],
  );
  return r ? row(r) : null;
}

export async function deleteSavedSegment(sql: Sql, workspaceId: number, id: number): Promise<boolean> {
  const rows = await sql.query<{ id: number }>(
    'DELETE FROM saved_segments WHERE workspace_id = $1 AND id = $2 RETURNING id',
    [workspaceId, id],
  );
  return rows.length > 0;
}
