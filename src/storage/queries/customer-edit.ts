/** Writes of single customers from the API: create, change fields, unbind identifiers. */
import type { Sql } from '../connect.ts';

export interface CustomerFields {
  name?: string | null;
  birthday?: string | null;
  gender?: string | null;
  need?: string | null;
  source?: string | null;
  preferredChannel?: string | null;
  managerId?: number | null;
  tags?: string[];
  custom?: Record<string, unknown>;
}

const COLUMN: Record<keyof CustomerFields, { name: string; cast: string }> = {
  name: { name: 'name', cast: 'text' },
  birthday: { name: 'birthday', cast: 'date' },
  gender: { name: 'gender', cast: 'text' },
  need: { name: 'need', cast: 'text' },
  source: { name: 'source', cast: 'text' },
  preferredChannel: { name: 'preferred_channel', cast: 'text' },
  managerId: { name: 'manager_id', cast: 'bigint' },
  tags: { name: 'tags', cast: 'text[]' },
  custom: { name: 'custom', cast: 'jsonb' },
};

function value(key: keyof CustomerFields, v: unknown): unknown {
  return key === 'custom' ? JSON.stringify(v ?? {}) : v;
}

/** Creates a customer (a lead: aggregates at their defaults); returns its id. */
export async function insertCustomer(sql: Sql, workspaceId: number, f: CustomerFields): Promise<number> {
  const keys = (Object.keys(f) as (keyof CustomerFields)[]).filter((k) => f[k] !== undefined);
  const params: unknown[] = [workspaceId];
  const cols = ['workspace_id'];
  const vals = ['$1'];
  for (const k of keys) {
    params.push(value(k, f[k]));
    cols.push(COLUMN[k].name);
    vals.push(`$${params.length}::${COLUMN[k].cast}`);
  }
  const rows = await sql.query<{ id: number }>(
    `INSERT INTO customers (${cols.join(', ')}) VALUES (${vals.join(', ')}) RETURNING id`,
    params,
  );
  return rows[0]!.id;
}

/** Sets the given fields (undefined = keep; null = clear). */
export async function updateCustomerFields(
  sql: Sql,
  workspaceId: number,
  id: number,
  f: CustomerFields,
): Promise<void> {
  const keys = (Object.keys(f) as (keyof CustomerFields)[]).filter((k) => f[k] !== undefined);
  if (keys.length === 0) return;
  const params: unknown[] = [workspaceId, id];
  const sets = keys.map((k) => {
    params.push(value(k, f[k]));
    return `${COLUMN[k].name} = $${params.length}::${COLUMN[k].cast}`;
  });
  await sql.query(
    `UPDATE customers SET ${sets.join(', ')}, updated_at = now() WHERE workspace_id = $1 AND id = $2`,
    params,
  );
}

/** Locks customers for the rest of the transaction; returns the ids found. */
export async function lockCustomers(sql: Sql, workspaceId: number, ids: number[]): Promise<number[]> {
  const rows = await sql.query<{ id: number }>(
    'SELECT id FROM customers WHERE workspace_id = $1 AND id = ANY($2::bigint[]) ORDER BY id FOR UPDATE',
    [workspaceId, ids],
  );
  return rows.map((r) => r.id);
}

export async function deleteIdentifiers(
  sql: Sql,
  workspaceId: number,
  customerId: number,
  keys: { kind: string; value: string }[],
): Promise<number> {
  if (keys.length === 0) return 0;
  const rows = await sql.query(
    `DELETE FROM customer_identifiers i USING unnest($3::text[], $4::text[]) AS k(kind, value)
      WHERE i.workspace_id = $1 AND i.customer_id = $2 AND i.kind = k.kind AND i.value = k.value
      RETURNING i.kind`,
    [workspaceId, customerId, keys.map((k) => k.kind), keys.map((k) => k.value)],
  );
  return rows.length;
}
