import type { Sql } from '../connect.ts';

/** Profile fields an import or the API may fill. */
export interface CustomerProfile {
  name: string | null;
  birthday: string | null;
  gender: string | null;
  source: string | null;
  need: string | null;
  preferredChannel: string | null;
  tags: string[];
}

export const PROFILE_FIELDS = ['name', 'birthday', 'gender', 'source', 'need', 'preferredChannel'] as const;
const COLUMN: Record<(typeof PROFILE_FIELDS)[number], string> = {
  name: 'name',
  birthday: 'birthday',
  gender: 'gender',
  source: 'source',
  need: 'need',
  preferredChannel: 'preferred_channel',
};

/** Reserve `n` customer ids up front, so new rows can be referenced before they are written. */
export async function allocateCustomerIds(sql: Sql, n: number): Promise<number[]> {
  if (n === 0) return [];
  const rows = await sql.query<{ id: number }>(
    `SELECT nextval(pg_get_serial_sequence('customers', 'id'))::bigint AS id FROM generate_series(1, $1)`,
    [n],
  );
  return rows.map((r) => r.id);
}

export async function insertCustomers(
  sql: Sql,
  workspaceId: number,
  rows: (CustomerProfile & { id: number; managerId?: number | null })[],
): Promise<void> {
  if (rows.length === 0) return;
  await sql.query(
    `INSERT INTO customers (workspace_id, id, name, birthday, gender, source, need, preferred_channel, manager_id, tags)
     SELECT $1, t.id, t.name, t.birthday, t.gender, t.source, t.need, t.preferred_channel, t.manager_id,
            COALESCE((SELECT array_agg(x) FROM jsonb_array_elements_text(t.tags) x), '{}')
       FROM unnest($2::bigint[], $3::text[], $4::date[], $5::text[], $6::text[], $7::text[], $8::text[], $9::bigint[], $10::jsonb[])
         AS t(id, name, birthday, gender, source, need, preferred_channel, manager_id, tags)`,
    [
      workspaceId,
      rows.map((r) => r.id),
      rows.map((r) => r.name),
      rows.map((r) => r.birthday),
      rows.map((r) => r.gender),
      rows.map((r) => r.source),
      rows.map((r) => r.need),
      rows.map((r) => r.preferredChannel),
      rows.map((r) => r.managerId ?? null),
      rows.map((r) => JSON.stringify(r.tags)),
    ],
  );
}

export async function loadProfiles(
  sql: Sql,
  workspaceId: number,
  ids: number[],
): Promise<Map<number, CustomerProfile & { managerId: number | null }>> {
  const out = new Map<number, CustomerProfile & { managerId: number | null }>();
  if (ids.length === 0) return out;
  const rows = await sql.query<{
    id: number;
    name: string | null;
    birthday: string | null;
    gender: string | null;
    source: string | null;
    need: string | null;
    preferred_channel: string | null;
    manager_id: number | null;
    tags: string[];
  }>(
    `SELECT id, name, birthday, gender, source, need, preferred_channel, manager_id, tags
       FROM customers WHERE workspace_id = $1 AND id = ANY($2::bigint[])`,
    [workspaceId, ids],
  );
  for (const r of rows) {
    out.set(r.id, {
      name: r.name,
      birthday: r.birthday,
      gender: r.gender,
      source: r.source,
      need: r.need,
      preferredChannel: r.preferred_channel,
      managerId: r.manager_id,
      tags: r.tags,
    });
  }
  return out;
}

/**
 * Sets fields on existing customers. Each patch holds only the fields to write
 * (the caller decides: an empty field is filled, a conflicting one never overwritten).
 */
export async function patchCustomers(
  sql: Sql,
  workspaceId: number,
  patches: { id: number; fields: Partial<CustomerProfile> & { managerId?: number | null } }[],
): Promise<void> {
  const list = patches.filter((p) => Object.keys(p.fields).length > 0);
  if (list.length === 0) return;
  const col = (f: (typeof PROFILE_FIELDS)[number]) =>
    list.map((p) => (p.fields[f] === undefined ? null : p.fields[f]));
  const has = (f: string) => list.map((p) => f in p.fields);
  await sql.query(
    `UPDATE customers c SET
        name = CASE WHEN t.has_name THEN t.name ELSE c.name END,
        birthday = CASE WHEN t.has_birthday THEN t.birthday ELSE c.birthday END,
        gender = CASE WHEN t.has_gender THEN t.gender ELSE c.gender END,
        source = CASE WHEN t.has_source THEN t.source ELSE c.source END,
        need = CASE WHEN t.has_need THEN t.need ELSE c.need END,
        preferred_channel = CASE WHEN t.has_pc THEN t.preferred_channel ELSE c.preferred_channel END,
        manager_id = CASE WHEN t.has_manager THEN t.manager_id ELSE c.manager_id END,
        tags = CASE WHEN t.tags IS NULL THEN c.tags
                    ELSE (SELECT COALESCE(array_agg(DISTINCT x ORDER BY x), '{}') FROM unnest(c.tags || ARRAY(SELECT jsonb_array_elements_text(t.tags))) x) END,
        updated_at = now()
       FROM unnest($2::bigint[], $3::text[], $4::bool[], $5::date[], $6::bool[], $7::text[], $8::bool[], $9::text[], $10::bool[],
                   $11::text[], $12::bool[], $13::text[], $14::bool[], $15::bigint[], $16::bool[], $17::jsonb[])
         AS t(id, name, has_name, birthday, has_birthday, gender, has_gender, source, has_source, need, has_need,
              preferred_channel, has_pc, manager_id, has_manager, tags)
      WHERE c.workspace_id = $1 AND c.id = t.id`,
    [
      workspaceId,
      list.map((p) => p.id),
      col('name'),
      has('name'),
      col('birthday'),
      has('birthday'),
      col('gender'),
      has('gender'),
      col('source'),
      has('source'),
      col('need'),
      has('need'),
      col('preferredChannel'),
      has('preferredChannel'),
      list.map((p) => p.fields.managerId ?? null),
      has('managerId'),
      list.map((p) => (p.fields.tags && p.fields.tags.length > 0 ? JSON.stringify(p.fields.tags) : null)),
    ],
  );
}

export { COLUMN as PROFILE_COLUMNS };

/** Those of `ids` whose manager is `managerId` (what a manager may learn about). */
export async function idsManagedBy(
  sql: Sql,
  workspaceId: number,
  ids: readonly number[],
  managerId: number,
): Promise<Set<number>> {
  const rows = await sql.query<{ id: number }>(
    'SELECT id FROM customers WHERE workspace_id = $1 AND id = ANY($2::bigint[]) AND manager_id = $3',
    [workspaceId, ids, managerId],
  );
  return new Set(rows.map((r) => r.id));
}
