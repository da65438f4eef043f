import type { Sql } from '../connect.ts';

export interface ApiKeyRow {
  id: number;
  name: string;
  secretHash: string;
  role: string;
  managerStaffId: number | null;
  userId: number | null;
  scopes: string[] | null;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

type Raw = {
  id: number;
  name: string;
  secret_hash: string;
  role: string;
  manager_staff_id: number | null;
  user_id: number | null;
  scopes: string[] | null;
  created_at: Date | string;
  last_used_at: Date | string | null;
  revoked_at: Date | string | null;
};

const iso = (v: Date | string | null) => (v === null ? null : new Date(v).toISOString());

function toRow(r: Raw): ApiKeyRow {
  return {
    id: r.id,
    name: r.name,
    secretHash: r.secret_hash,
    role: r.role,
    managerStaffId: r.manager_staff_id,
    userId: r.user_id,
    scopes: r.scopes,
    createdAt: iso(r.created_at)!,
    lastUsedAt: iso(r.last_used_at),
    revokedAt: iso(r.revoked_at),
  };
}

const COLUMNS = `id, name, secret_hash, role, manager_staff_id, user_id, scopes, created_at, last_used_at, revoked_at`;

export async function insertApiKey(
  sql: Sql,
  workspaceId: number,
  k: {
    name: string;
    secretHash: string;
    role: string;
    managerStaffId: number | null;
    userId: number | null;
    scopes: string[] | null;
  },
): Promise<ApiKeyRow> {
  const rows = await sql.query<Raw>(
    `INSERT INTO api_keys (workspace_id, name, secret_hash, role, manager_staff_id, user_id, scopes)
     VALUES ($1, $2, $3, $4, $5, $6, $7::text[]) RETURNING ${COLUMNS}`,
    [workspaceId, k.name, k.secretHash, k.role, k.managerStaffId, k.userId, k.scopes],
  );
  return toRow(rows[0]!);
}

export async function findApiKey(sql: Sql, workspaceId: number, id: number): Promise<ApiKeyRow | null> {
  const rows = await sql.query<Raw>(`SELECT ${COLUMNS} FROM api_keys WHERE workspace_id = $1 AND id = $2`, [
    workspaceId,
    id,
  ]);
  return rows[0] ? toRow(rows[0]) : null;
}

export async function listApiKeys(sql: Sql, workspaceId: number): Promise<ApiKeyRow[]> {
  const rows = await sql.query<Raw>(`SELECT ${COLUMNS} FROM api_keys WHERE workspace_id = $1 ORDER BY id`, [
    workspaceId,
  ]);
  return rows.map(toRow);
}

/**
 * The key for a request that presents `secretHash`, marked used (written at most once a minute)
 * when the hash is its own and it is not revoked. One round trip: every API-key request pays it.
 * The caller still compares the hash itself (in constant time) before trusting the key.
 */
export async function findApiKeyForUse(
  sql: Sql,
  workspaceId: number,
  id: number,
  secretHash: string,
): Promise<ApiKeyRow | null> {
  const rows = await sql.query<Raw>(
    `WITH used AS (
       UPDATE api_keys SET last_used_at = now()
        WHERE workspace_id = $1 AND id = $2 AND secret_hash = $3 AND revoked_at IS NULL
          AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute'))
     SELECT ${COLUMNS} FROM api_keys WHERE workspace_id = $1 AND id = $2`,
    [workspaceId, id, secretHash],
    { prepared: true },
  );
  return rows[0] ? toRow(rows[0]) : null;
}

export async function revokeApiKey(sql: Sql, workspaceId: number, id: number): Promise<ApiKeyRow | null> {
  const rows = await sql.query<Raw>(
    `UPDATE api_keys SET revoked_at = COALESCE(revoked_at, now()) WHERE workspace_id = $1 AND id = $2
     RETURNING ${COLUMNS}`,
    [workspaceId, id],
  );
  return rows[0] ? toRow(rows[0]) : null;
}
