import type { Sql } from '../connect.ts';

export interface IdempotencyRow {
  operation: string;
  fingerprint: string;
  statusCode: number | null;
  response: unknown;
}

/** Claims a key for a request; false when the key is already taken (by this or another request). */
export async function claimIdempotencyKey(
  sql: Sql,
  workspaceId: number,
  key: string,
  operation: string,
  fingerprint: string,
): Promise<boolean> {
  const rows = await sql.query(
    `INSERT INTO idempotency_keys (workspace_id, key, operation, fingerprint) VALUES ($1, $2, $3, $4)
     ON CONFLICT (workspace_id, key) DO NOTHING RETURNING key`,
    [workspaceId, key, operation, fingerprint],
  );
  return rows.length > 0;
}

export async function findIdempotencyKey(
  sql: Sql,
  workspaceId: number,
  key: string,
): Promise<IdempotencyRow | null> {
  const rows = await sql.query<{
    operation: string;
    fingerprint: string;
    status_code: number | null;
    response: unknown;
  }>(
    'SELECT operation, fingerprint, status_code, response FROM idempotency_keys WHERE workspace_id = $1 AND key = $2',
    [workspaceId, key],
  );
  const r = rows[0];
  return r
    ? { operation: r.operation, fingerprint: r.fingerprint, statusCode: r.status_code, response: r.response }
    : null;
}

export async function completeIdempotencyKey(
  sql: Sql,
  workspaceId: number,
  key: string,
  statusCode: number,
  response: unknown,
): Promise<void> {
  await sql.query(
    `UPDATE idempotency_keys SET status_code = $3, response = $4::jsonb, completed_at = now()
      WHERE workspace_id = $1 AND key = $2`,
    [workspaceId, key, statusCode, JSON.stringify(response)],
  );
}

export async function releaseIdempotencyKey(sql: Sql, workspaceId: number, key: string): Promise<void> {
  await sql.query(
    'DELETE FROM idempotency_keys WHERE workspace_id = $1 AND key = $2 AND status_code IS NULL',
    [workspaceId, key],
  );
}
