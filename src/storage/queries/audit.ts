/** The audit log: append-only rows of who changed what (see tables/auth.ts). */
import type { Sql } from '../connect.ts';

export interface AuditEntryInput {
  actorUserId: number | null;
  actorKeyId: number | null;
  /** Used when neither the user nor the key can be named (e.g. a failed sign-in's e-mail). */
  actorLabel?: string | null;
  action: string;
  entityId: string | null;
  status: number | null;
  changes: Record<string, unknown>;
  ipAddress: string | null;
}

export interface AuditRow {
  id: number;
  at: string;
  actorUserId: number | null;
  actorKeyId: number | null;
  actorLabel: string;
  action: string;
  entityId: string | null;
  status: number | null;
  changes: Record<string, unknown>;
  ipAddress: string | null;
}

export interface AuditFilter {
  /** An e-mail, a key name, or part of one (case-insensitive). */
  actor?: string | undefined;
  actorUserId?: number | undefined;
  /** Part of the action, e.g. "customers" or "PATCH /api/customers/{id}". */
  action?: string | undefined;
  entityId?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  /** Rows with id below this (the previous page's last id). */
  beforeId?: number | undefined;
  limit: number;
}

/**
 * Appends an entry. The actor's label is read in the same statement (the user's e-mail or the
 * key's name as they are now), so the log still names them after the user or key is gone.
 */
export async function insertAuditEntry(sql: Sql, workspaceId: number, e: AuditEntryInput): Promise<void> {
  await sql.query(
    `INSERT INTO audit_log (workspace_id, actor_user_id, actor_key_id, actor_label, action, entity_id, status, changes, ip_address)
     VALUES ($1, $2, $3,
       COALESCE((SELECT email FROM users WHERE id = $2),
                (SELECT name FROM api_keys WHERE workspace_id = $1 AND id = $3),
                $4, 'command line'),
       $5, $6, $7, $8::jsonb, $9)`,
    [
      workspaceId,
      e.actorUserId,
      e.actorKeyId,
      e.actorLabel ?? null,
      e.action,
      e.entityId,
      e.status,
      JSON.stringify(e.changes),
      e.ipAddress,
    ],
  );
}

type Raw = {
  id: number;
  at: Date | string;
  actor_user_id: number | null;
  actor_key_id: number | null;
  actor_label: string;
  action: string;
  entity_id: string | null;
  status: number | null;
  changes: Record<string, unknown>;
  ip_address: string | null;
};

/** Newest first, keyset-paginated by id. */
export async function listAuditEntries(sql: Sql, workspaceId: number, f: AuditFilter): Promise<AuditRow[]> {
  const where = ['workspace_id = $1'];
  const params: unknown[] = [workspaceId];
  const add = (cond: (n: string) => string, value: unknown) => {
    params.push(value);
    where.push(cond(`$${params.length}`));
  };
  if (f.actor) add((p) => `actor_label ILIKE '%' || ${p} || '%'`, escapeLike(f.actor));
  if (f.actorUserId !== undefined) add((p) => `actor_user_id = ${p}`, f.actorUserId);
  if (f.action) add((p) => `action ILIKE '%' || ${p} || '%'`, escapeLike(f.action));
  if (f.entityId) add((p) => `entity_id = ${p}`, f.entityId);
  if (f.from) add((p) => `at >= ${p}::timestamptz`, f.from);
  if (f.to) add((p) => `at < ${p}::timestamptz`, f.to);
  if (f.beforeId !== undefined) add((p) => `id < ${p}`, f.beforeId);
  params.push(f.limit);
  const rows = await sql.query<Raw>(
    `SELECT id, at, actor_user_id, actor_key_id, actor_label, action, entity_id, status, changes, ip_address
       FROM audit_log WHERE ${where.join(' AND ')} ORDER BY id DESC LIMIT $${params.length}`,
    params,
  );
  return rows.map((r) => ({
    id: r.id,
    at: new Date(r.at).toISOString(),
    actorUserId: r.actor_user_id,
    actorKeyId: r.actor_key_id,
    actorLabel: r.actor_label,
    action: r.action,
    entityId: r.entity_id,
    status: r.status,
    changes: r.changes,
    ipAddress: r.ip_address,
  }));
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}
