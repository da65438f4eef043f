/**
 * The customer list of the API: filters on the stored aggregates, keyset pagination on
 * (sort column, id). No OFFSET and no count: a page costs the same on page 1 and page 5000.
 * A nullable sort column is read in two phases — its non-null values by the row comparison
 * `(col, id) > (v, id)` (index-friendly), then the nulls by id — so NULLs come last in
 * either direction and no row is skipped or repeated between pages.
 */
import type { Sql } from '../connect.ts';

export const CUSTOMER_SORT_FIELDS = [
  'id',
  'name',
  'revenue',
  'purchases',
  'last_purchase_on',
  'next_expected_on',
] as const;
export type CustomerSortField = (typeof CUSTOMER_SORT_FIELDS)[number];

const SORT_COLUMN: Record<CustomerSortField, { expr: string; cast: string; nullable: boolean }> = {
  id: { expr: 'c.id', cast: 'bigint', nullable: false },
  name: { expr: 'c.name', cast: 'text', nullable: true },
  revenue: { expr: 'c.revenue', cast: 'numeric', nullable: false },
  purchases: { expr: 'c.purchases', cast: 'int', nullable: false },
  last_purchase_on: { expr: 'c.last_purchase_on', cast: 'date', nullable: true },
  next_expected_on: { expr: 'c.next_expected_on', cast: 'date', nullable: true },
};

/** What to search for, already normalised by the caller (phone in E.164, e-mail lower-cased). */
export interface CustomerSearch {
  phone?: string;
  email?: string;
  /** Name substring, case-insensitive. */
  nameLike?: string;
  /** An exact external or messenger id. */
  exact?: string;
  id?: number;
}

export interface CustomerListFilter {
  /** Visibility: only customers of this manager (staff id); null = everyone. */
  visibleManager: number | null;
  status?: string[];
  rfmSegment?: string[];
  cvmStage?: string[];
  /** Assigned manager (staff id); null = customers with no manager. */
  managerId?: number | null;
  tag?: string;
  source?: string;
  spentMin?: string;
  spentMax?: string;
  purchasesMin?: number;
  purchasesMax?: number;
  /** last_purchase_on < day */
  lastPurchaseBefore?: string;
  /** last_purchase_on > day */
  lastPurchaseAfter?: string;
  birthdayMonth?: number;
  /** Bought something of this category (by name). */
  category?: string;
  search?: CustomerSearch;
}

export interface Keyset {
  value: string | number | null;
  id: number;
}

export interface CustomerListRow {
  id: number;
  name: string | null;
  status: string;
  rfmSegment: string | null;
  cvmStage: string | null;
  rScore: number | null;
  fScore: number | null;
  mScore: number | null;
  purchases: number;
  revenue: string;
  firstPurchaseOn: string | null;
  lastPurchaseOn: string | null;
  nextExpectedOn: string | null;
  cycleDays: number | null;
  managerId: number | null;
  tags: string[];
  source: string | null;
  birthday: string | null;
  phone: string | null;
  email: string | null;
  /** The sort column's value, for the next cursor. */
  sortValue: string | number | null;
}

type Raw = {
  id: number;
  name: string | null;
  status: string;
  rfm_segment: string | null;
  cvm_stage: string | null;
  r_score: number | null;
  f_score: number | null;
  m_score: number | null;
  purchases: number;
  revenue: string;
  first_purchase_on: string | null;
  last_purchase_on: string | null;
  next_expected_on: string | null;
  cycle_days: number | null;
  manager_id: number | null;
  tags: string[];
  source: string | null;
  birthday: string | null;
  sort_value: string | number | null;
};

const EXACT_KINDS = ['external', 'telegram', 'whatsapp', 'vk', 'max'];

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (m) => `\\${m}`);
}

/** One page (up to `limit` rows) after the keyset `after`, in the order of `sort`. */
export async function listCustomerPage(
  sql: Sql,
  workspaceId: number,
  filter: CustomerListFilter,
  sort: { field: CustomerSortField; desc: boolean },
  after: Keyset | null,
  limit: number,
): Promise<CustomerListRow[]> {
  const params: unknown[] = [workspaceId];
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  const where = ['c.workspace_id = $1', 'c.merged_into IS NULL'];
  if (filter.visibleManager !== null) where.push(`c.manager_id = ${p(filter.visibleManager)}`);
  if (filter.status?.length) where.push(`c.status = ANY(${p(filter.status)}::text[])`);
  if (filter.rfmSegment?.length) where.push(`c.rfm_segment = ANY(${p(filter.rfmSegment)}::text[])`);
  if (filter.cvmStage?.length) where.push(`c.cvm_stage = ANY(${p(filter.cvmStage)}::text[])`);
  if (filter.managerId === null) where.push('c.manager_id IS NULL');
  else if (filter.managerId !== undefined) where.push(`c.manager_id = ${p(filter.managerId)}`);
  if (filter.tag !== undefined) where.push(`c.tags @> ARRAY[${p(filter.tag)}::text]`);
  if (filter.source !== undefined) where.push(`c.source = ${p(filter.source)}`);
  if (filter.spentMin !== undefined) where.push(`c.revenue >= ${p(filter.spentMin)}::numeric`);
  if (filter.spentMax !== undefined) where.push(`c.revenue <= ${p(filter.spentMax)}::numeric`);
  if (filter.purchasesMin !== undefined) where.push(`c.purchases >= ${p(filter.purchasesMin)}`);
  if (filter.purchasesMax !== undefined) where.push(`c.purchases <= ${p(filter.purchasesMax)}`);
  if (filter.lastPurchaseBefore !== undefined)
    where.push(`c.last_purchase_on < ${p(filter.lastPurchaseBefore)}::date`);
  if (filter.lastPurchaseAfter !== undefined)
    where.push(`c.last_purchase_on > ${p(filter.lastPurchaseAfter)}::date`);
  if (filter.birthdayMonth !== undefined)
    where.push(`extract(month FROM c.birthday) = ${p(filter.birthdayMonth)}`);
  if (filter.category !== undefined) {
    where.push(`EXISTS (SELECT 1 FROM orders o
        JOIN order_lines l ON l.workspace_id = o.workspace_id AND l.order_id = o.id
       WHERE o.workspace_id = $1 AND o.customer_id = c.id AND o.status = 'completed' AND o.amount > 0
         AND l.category_id = (SELECT k.id FROM categories k WHERE k.workspace_id = $1 AND k.name = ${p(filter.category)}))`);
  }
  const s = filter.search;
  if (s) {
    // Identifier matches first, by primary key: an OR of subqueries would scan every customer.
    const keys: { kind: string; value: string }[] = [];
    if (s.phone !== undefined) keys.push({ kind: 'phone', value: s.phone });
    if (s.email !== undefined) keys.push({ kind: 'email', value: s.email });
    if (s.exact !== undefined) for (const kind of EXACT_KINDS) keys.push({ kind, value: s.exact });
    const matched = keys.length > 0 ? await identifierOwners(sql, workspaceId, keys) : [];
    if (s.id !== undefined) matched.push(s.id);
    const any: string[] = [];
    if (matched.length > 0) any.push(`c.id = ANY(${p(matched)}::bigint[])`);
    if (s.nameLike !== undefined) any.push(`c.name ILIKE ${p(`%${escapeLike(s.nameLike)}%`)}`);
    where.push(any.length > 0 ? `(${any.join(' OR ')})` : 'false');
  }

  const col = SORT_COLUMN[sort.field];
  const dir = sort.desc ? 'DESC' : 'ASC';
  const cmp = sort.desc ? '<' : '>';
  const select = `SELECT c.id, c.name, c.status, c.rfm_segment, c.cvm_stage, c.r_score, c.f_score, c.m_score,
          c.purchases, c.revenue::text AS revenue, c.first_purchase_on, c.last_purchase_on, c.next_expected_on,
          c.cycle_days::float8 AS cycle_days, c.manager_id, c.tags, c.source, c.birthday,
          ${col.expr}${col.cast === 'numeric' ? '::text' : ''} AS sort_value
     FROM customers c`;
  const base = where.join(' AND ');
  const baseParams = params.length;

  const run = async (extra: string[], order: string, n: number) => {
    const text = `${select} WHERE ${[base, ...extra].join(' AND ')} ORDER BY ${order} LIMIT ${n}`;
    return sql.query<Raw>(text, params);
  };

  let rows: Raw[] = [];
  const inNullPhase = col.nullable && after !== null && after.value === null;
  if (!inNullPhase) {
    const extra: string[] = [];
    if (col.nullable) extra.push(`${col.expr} IS NOT NULL`);
    if (after !== null) {
      extra.push(
        sort.field === 'id'
          ? `c.id ${cmp} ${p(after.id)}`
          : `(${col.expr}, c.id) ${cmp} (${p(after.value)}::${col.cast}, ${p(after.id)}::bigint)`,
      );
    }
    rows = await run(extra, sort.field === 'id' ? `c.id ${dir}` : `${col.expr} ${dir}, c.id ${dir}`, limit);
    params.length = baseParams;
  }
  if (col.nullable && rows.length < limit) {
    const extra = [`${col.expr} IS NULL`];
    if (inNullPhase) extra.push(`c.id ${cmp} ${p(after!.id)}`);
    rows = rows.concat(await run(extra, `c.id ${dir}`, limit - rows.length));
  }

  const contacts = await firstContacts(
    sql,
    workspaceId,
    rows.map((r) => r.id),
  );
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    status: r.status,
    rfmSegment: r.rfm_segment,
    cvmStage: r.cvm_stage,
    rScore: r.r_score,
    fScore: r.f_score,
    mScore: r.m_score,
    purchases: r.purchases,
    revenue: r.revenue,
    firstPurchaseOn: r.first_purchase_on,
    lastPurchaseOn: r.last_purchase_on,
    nextExpectedOn: r.next_expected_on,
    cycleDays: r.cycle_days,
    managerId: r.manager_id,
    tags: r.tags,
    source: r.source,
    birthday: r.birthday,
    phone: contacts.get(r.id)?.phone ?? null,
    email: contacts.get(r.id)?.email ?? null,
    sortValue: r.sort_value,
  }));
}

async function identifierOwners(
  sql: Sql,
  workspaceId: number,
  keys: { kind: string; value: string }[],
): Promise<number[]> {
  const rows = await sql.query<{ customer_id: number }>(
    `SELECT DISTINCT i.customer_id FROM unnest($2::text[], $3::text[]) AS k(kind, value)
       JOIN customer_identifiers i ON i.workspace_id = $1 AND i.kind = k.kind AND i.value = k.value`,
    [workspaceId, keys.map((k) => k.kind), keys.map((k) => k.value)],
  );
  return rows.map((r) => r.customer_id);
}

/** The first phone and e-mail of each customer (the oldest binding). */
async function firstContacts(
  sql: Sql,
  workspaceId: number,
  ids: number[],
): Promise<Map<number, { phone: string | null; email: string | null }>> {
  const out = new Map<number, { phone: string | null; email: string | null }>();
  if (ids.length === 0) return out;
  const rows = await sql.query<{ customer_id: number; kind: string; value: string }>(
    `SELECT DISTINCT ON (customer_id, kind) customer_id, kind, value FROM customer_identifiers
      WHERE workspace_id = $1 AND customer_id = ANY($2::bigint[]) AND kind IN ('phone', 'email')
      ORDER BY customer_id, kind, created_at, value`,
    [workspaceId, ids],
  );
  for (const r of rows) {
    const c = out.get(r.customer_id) ?? { phone: null, email: null };
    if (r.kind === 'phone') c.phone = r.value;
    else c.email = r.value;
    out.set(r.customer_id, c);
  }
  return out;
}
