import type { Sql } from '../connect.ts';

export interface EventInsert {
  customerId: number;
  type: string;
  occurredAt?: Date;
  data: Record<string, unknown>;
}

/** Appends to customers' timelines. */
export async function insertEvents(sql: Sql, workspaceId: number, rows: EventInsert[]): Promise<void> {
  if (rows.length === 0) return;
  await sql.query(
    `INSERT INTO events (workspace_id, customer_id, type, occurred_at, data)
     SELECT $1, t.customer_id, t.type, COALESCE(t.occurred_at, now()), t.data
       FROM unnest($2::bigint[], $3::text[], $4::timestamptz[], $5::jsonb[]) AS t(customer_id, type, occurred_at, data)`,
    [
      workspaceId,
      rows.map((r) => r.customerId),
      rows.map((r) => r.type),
      rows.map((r) => r.occurredAt?.toISOString() ?? null),
      rows.map((r) => JSON.stringify(r.data)),
    ],
  );
}

export async function listEvents(
  sql: Sql,
  workspaceId: number,
  customerId: number,
): Promise<{ type: string; occurredAt: string; data: Record<string, unknown> }[]> {
  const rows = await sql.query<{ type: string; occurred_at: Date | string; data: Record<string, unknown> }>(
    `SELECT type, occurred_at, data FROM events WHERE workspace_id = $1 AND customer_id = $2 ORDER BY occurred_at, id`,
    [workspaceId, customerId],
  );
  return rows.map((r) => ({ type: r.type, occurredAt: new Date(r.occurred_at).toISOString(), data: r.data }));
}
