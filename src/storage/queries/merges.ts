/** Customer merges: moving a customer's orders, identifiers and events, and back. */
import type { Sql } from '../connect.ts';

export interface MergeMoved {
  orders: number[];
  identifiers: { kind: string; value: string }[];
  events: number[];
  /** Survivor fields that were empty and were filled from the merged customer. */
  filled: Record<string, unknown>;
  /** Tags the survivor gained. */
  tagsAdded: string[];
  /** Custom-field keys the survivor gained. */
  customAdded: Record<string, unknown>;
}

export interface MergeRow {
  id: number;
  sourceId: number;
  targetId: number;
  moved: MergeMoved;
  createdAt: string;
  undoneAt: string | null;
}

export async function moveOrders(sql: Sql, workspaceId: number, from: number, to: number, ids?: number[]) {
  const rows = await sql.query<{ id: number }>(
    `UPDATE orders SET customer_id = $3, updated_at = now()
      WHERE workspace_id = $1 AND customer_id = $2 ${ids ? 'AND id = ANY($4::bigint[])' : ''} RETURNING id`,
    ids ? [workspaceId, from, to, ids] : [workspaceId, from, to],
  );
  return rows.map((r) => r.id).sort((a, b) => a - b);
}

export async function moveIdentifiers(
  sql: Sql,
  workspaceId: number,
  from: number,
  to: number,
  keys?: { kind: string; value: string }[],
) {
  const rows = await sql.query<{ kind: string; value: string }>(
    keys
      ? `UPDATE customer_identifiers i SET customer_id = $3 FROM unnest($4::text[], $5::text[]) AS k(kind, value)
          WHERE i.workspace_id = $1 AND i.customer_id = $2 AND i.kind = k.kind AND i.value = k.value
          RETURNING i.kind, i.value`
      : `UPDATE customer_identifiers SET customer_id = $3 WHERE workspace_id = $1 AND customer_id = $2
          RETURNING kind, value`,
    keys
      ? [workspaceId, from, to, keys.map((k) => k.kind), keys.map((k) => k.value)]
      : [workspaceId, from, to],
  );
  return rows;
}

export async function moveEvents(sql: Sql, workspaceId: number, from: number, to: number, ids?: number[]) {
  const rows = await sql.query<{ id: number }>(
    `UPDATE events SET customer_id = $3
      WHERE workspace_id = $1 AND customer_id = $2 ${ids ? 'AND id = ANY($4::bigint[])' : ''} RETURNING id`,
    ids ? [workspaceId, from, to, ids] : [workspaceId, from, to],
  );
  return rows.map((r) => r.id).sort((a, b) => a - b);
}

export async function setMergedInto(sql: Sql, workspaceId: number, id: number, into: number | null) {
  await sql.query(
    'UPDATE customers SET merged_into = $3, updated_at = now() WHERE workspace_id = $1 AND id = $2',
    [workspaceId, id, into],
  );
}

export async function insertMerge(
  sql: Sql,
  workspaceId: number,
  m: { sourceId: number; targetId: number; moved: MergeMoved },
): Promise<number> {
  const rows = await sql.query<{ id: number }>(
    `INSERT INTO customer_merges (workspace_id, source_id, target_id, moved) VALUES ($1, $2, $3, $4::jsonb) RETURNING id`,
    [workspaceId, m.sourceId, m.targetId, JSON.stringify(m.moved)],
  );
  return rows[0]!.id;
}

export async function findMerge(
  sql: Sql,
  workspaceId: number,
  id: number,
  lock = false,
): Promise<MergeRow | null> {
  const rows = await sql.query<{
    id: number;
    source_id: number;
    target_id: number;
    moved: MergeMoved;
    created_at: Date | string;
    undone_at: Date | string | null;
  }>(
    `SELECT id, source_id, target_id, moved, created_at, undone_at FROM customer_merges
      WHERE workspace_id = $1 AND id = $2 ${lock ? 'FOR UPDATE' : ''}`,
    [workspaceId, id],
  );
  const r = rows[0];
  if (!r) return null;
  return {
    id: r.id,
    sourceId: r.source_id,
    targetId: r.target_id,
    moved: r.moved,
    createdAt: new Date(r.created_at).toISOString(),
    undoneAt: r.undone_at ? new Date(r.undone_at).toISOString() : null,
  };
}

export async function markMergeUndone(sql: Sql, workspaceId: number, id: number) {
  await sql.query('UPDATE customer_merges SET undone_at = now() WHERE workspace_id = $1 AND id = $2', [
    workspaceId,
    id,
  ]);
}

/** Clears survivor fields that still hold the value a merge filled in. */
export async function unfillFields(
  sql: Sql,
  workspaceId: number,
  id: number,
  filled: Record<string, unknown>,
  tagsAdded: string[],
  customAdded: Record<string, unknown>,
) {
  const allowed: Record<string, string> = {
    name: 'text',
    birthday: 'date',
    gender: 'text',
    need: 'text',
    source: 'text',
    preferred_channel: 'text',
    manager_id: 'bigint',
  };
  const params: unknown[] = [workspaceId, id];
  const sets: string[] = [];
  for (const [col, v] of Object.entries(filled)) {
    const cast = allowed[col];
    if (!cast) continue;
    params.push(v);
    sets.push(`${col} = CASE WHEN ${col} = $${params.length}::${cast} THEN NULL ELSE ${col} END`);
  }
  if (tagsAdded.length > 0) {
    params.push(tagsAdded);
    sets.push(`tags = ARRAY(SELECT t FROM unnest(tags) t WHERE t <> ALL($${params.length}::text[]))`);
  }
  const keys = Object.keys(customAdded);
  if (keys.length > 0) {
    params.push(JSON.stringify(customAdded));
    const p = params.length;
    sets.push(`custom = COALESCE((SELECT jsonb_object_agg(e.key, e.value) FROM jsonb_each(custom) e
                WHERE NOT ($${p}::jsonb ? e.key AND $${p}::jsonb -> e.key = e.value)), '{}'::jsonb)`);
  }
  if (sets.length === 0) return;
  await sql.query(
    `UPDATE customers SET ${sets.join(', ')}, updated_at = now() WHERE workspace_id = $1 AND id = $2`,
    params,
  );
}
