/**
 * The customer list of the API: filters on the stored aggregates, keyset pagination on
 * (sort column, id). No OFFSET: a page costs the same on page 1 and page 5000; the exact
 * total is a separate count over the same WHERE, run only when the caller asks for it.
 * A nullable sort column is read in two phases — its non-null values by the row comparison
 * `(col, id) > (v, id)` (index-friendly), then the nulls by id — so NULLs come last in
 * either direction and no row is skipped or repeated between pages.
 * Predictions (customer_predictions, refitted nightly) are LEFT JOINed for the columns and
 * the two prediction sorts; every filter on them is an EXISTS, so counts, exports and bulk
 * updates share one WHERE without the join.
 */
import type { Day } from '../../core/day.ts';
import type { RuleSet } from '../../core/segments/rules.ts';
import type { Sql } from '../connect.ts';
import { firstIdentifierSql } from './identifiers.ts';
import { expandNameWords, nameCandidatesSql } from './name-search.ts';
import {
  boughtCategorySql,
  churnRiskSql,
  compileRuleSet,
  type Param,
  recommendedSql,
} from './segment-rules.ts';

export const CUSTOMER_SORT_FIELDS = [
  'id',
  'name',
  'revenue',
  'purchases',
  'last_purchase_on',
  'next_expected_on',
  'predicted_clv',
  'p_alive',
] as const;
export type CustomerSortField = (typeof CUSTOMER_SORT_FIELDS)[number];

const SORT_COLUMN: Record<CustomerSortField, { expr: string; cast: string; nullable: boolean }> = {
  id: { expr: 'c.id', cast: 'bigint', nullable: false },
  name: { expr: 'c.name', cast: 'text', nullable: true },
  revenue: { expr: 'c.revenue', cast: 'numeric', nullable: false },
  purchases: { expr: 'c.purchases', cast: 'int', nullable: false },
  last_purchase_on: { expr: 'c.last_purchase_on', cast: 'date', nullable: true },
  next_expected_on: { expr: 'c.next_expected_on', cast: 'date', nullable: true },
  predicted_clv: { expr: 'cp.predicted_clv', cast: 'numeric', nullable: true },
  p_alive: { expr: 'cp.p_alive', cast: 'float8', nullable: true },
};

/** What to search for, already normalised by the caller (phone in E.164, e-mail lower-cased). */
export interface CustomerSearch {
  phone?: string;
  email?: string;
  /**
   * Words of a name, each matched as the start of a word of the customer's name (any case, ё = е):
   * a customer matches when every word does. Split by the caller (core/search-words.ts), folded
   * here by the database's own `customer_name_fold`, as the stored words were.
   */
  nameWords?: string[];
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
  /** RFM scores (any of). */
  rScores?: number[];
  fScores?: number[];
  /** next_expected_on within [from, to] (inclusive): "contact today". */
  nextExpectedFrom?: string;
  nextExpectedTo?: string;
  /** status_since >= day: "newly sleeping". */
  statusSinceFrom?: string;
  /** Prediction churn risk (any of); customers without a prediction never match. */
  churnRisk?: string[];
  /** Has this item among their recommendations. */
  recommended?: string;
  /** Saved-segment or inline rules, each ANDed, read as of `asOf` (the workspace's today). */
  rules?: { set: RuleSet; asOf: Day }[];
  /** Only these customers (a bulk action on a selection). */
  ids?: number[];
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
  pAlive: number | null;
  predictedClv: string | null;
  churnRisk: string | null;
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
  p_alive: number | null;
  predicted_clv: string | null;
  churn_risk: string | null;
  phone: string | null;
  email: string | null;
  sort_value: string | number | null;
};

const EXACT_KINDS = ['external', 'telegram', 'whatsapp', 'vk', 'max'];

/** What every customer query holds whatever the filter: the workspace, and not merged away. */
const ALWAYS = ['c.workspace_id = $1', 'c.merged_into IS NULL'];

/**
 * The WHERE of a filter over `customers c` (workspace = `$1`, which the caller puts first in
 * `params`), its search included. The list, count, export and bulk changes share it.
 */
export function customerWhere(filter: CustomerListFilter, p: Param): string[] {
  const where = [...ALWAYS];
  if (filter.visibleManager !== null) where.push(`c.manager_id = ${p(filter.visibleManager)}`);
  if (filter.ids !== undefined) where.push(`c.id = ANY(${p(filter.ids)}::bigint[])`);
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
  if (filter.category !== undefined) where.push(boughtCategorySql(p(filter.category)));
  if (filter.rScores?.length) where.push(`c.r_score = ANY(${p(filter.rScores)}::int[])`);
  if (filter.fScores?.length) where.push(`c.f_score = ANY(${p(filter.fScores)}::int[])`);
  if (filter.nextExpectedFrom !== undefined)
    where.push(`c.next_expected_on >= ${p(filter.nextExpectedFrom)}::date`);
  if (filter.nextExpectedTo !== undefined)
    where.push(`c.next_expected_on <= ${p(filter.nextExpectedTo)}::date`);
  if (filter.statusSinceFrom !== undefined)
    where.push(`c.status_since >= ${p(filter.statusSinceFrom)}::date`);
  if (filter.churnRisk?.length) where.push(churnRiskSql(p(filter.churnRisk)));
  if (filter.recommended !== undefined) where.push(recommendedSql(p(filter.recommended)));
  for (const r of filter.rules ?? []) where.push(compileRuleSet(r.set, r.asOf, p));
  if (filter.search) {
    const { names, others } = searchParts(filter.search, p);
    const ids = [names, others].filter((q) => q !== null).map((q) => `(${q})`);
    where.push(ids.length > 0 ? `c.id IN (${ids.join(' UNION ALL ')})` : 'false');
  }
  return where;
}

/**
 * The ids a search matches, as queries of one column `customer_id` (an id may repeat; null
 * when that part cannot match): `names`, the customers having every name word as the start of
 * a word of their name (customer_name_words), and `others`, the owners of the identifiers
 * (phone, e-mail, an exact external or messenger id) and the id itself.
 */
function searchParts(s: CustomerSearch, p: Param): { names: string | null; others: string | null } {
  let names: string | null = null;
  if (s.nameWords !== undefined && s.nameWords.length > 0) {
    // ^@ (starts with) on a constant becomes a range of the index (the column is COLLATE "C").
    // Several words are a join on the customer, so the planner picks which word to start from.
    const joins = s.nameWords.slice(1).map(
      (w, i) => `JOIN customer_name_words w${i + 1} ON w${i + 1}.workspace_id = $1
           AND w${i + 1}.customer_id = w.customer_id AND w${i + 1}.word ^@ customer_name_fold(${p(w)}::text)`,
    );
    names = `SELECT w.customer_id FROM customer_name_words w ${joins.join(' ')}
       WHERE w.workspace_id = $1 AND w.word ^@ customer_name_fold(${p(s.nameWords[0])}::text)`;
  }
  return { names, others: identifierMatches(s, p) };
}

/** The owners of the searched identifiers and the searched id, as one column `customer_id`; null when none. */
function identifierMatches(s: CustomerSearch, p: Param): string | null {
  const keys: { kind: string; value: string }[] = [];
  if (s.phone !== undefined) keys.push({ kind: 'phone', value: s.phone });
  if (s.email !== undefined) keys.push({ kind: 'email', value: s.email });
  if (s.exact !== undefined) for (const kind of EXACT_KINDS) keys.push({ kind, value: s.exact });
  const others: string[] = [];
  if (keys.length > 0) {
    others.push(`SELECT i.customer_id FROM unnest(${p(keys.map((k) => k.kind))}::text[], ${p(keys.map((k) => k.value))}::text[]) AS k(kind, value)
       JOIN customer_identifiers i ON i.workspace_id = $1 AND i.kind = k.kind AND i.value = k.value`);
  }
  if (s.id !== undefined) others.push(`SELECT ${p(s.id)}::bigint`);
  return others.length > 0 ? others.map((q) => `(${q})`).join(' UNION ALL ') : null;
}

/** A parameter list that starts with the workspace ($1) and a placeholder maker for it. */
export function paramsFor(workspaceId: number): { params: unknown[]; p: Param } {
  const params: unknown[] = [workspaceId];
  return {
    params,
    p: (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    },
  };
}

/** The exact number of customers the filter matches (same WHERE as the pages). */
export async function countCustomers(
  sql: Sql,
  workspaceId: number,
  filter: CustomerListFilter,
): Promise<number> {
  const { params, p } = paramsFor(workspaceId);
  const where = customerWhere(filter, p);
  const [row] = await sql.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM customers c WHERE ${where.join(' AND ')}`,
    params,
  );
  return row?.n ?? 0;
}

/** Ids of every customer the filter matches, ascending. */
export async function customerIds(
  sql: Sql,
  workspaceId: number,
  filter: CustomerListFilter,
): Promise<number[]> {
  const { params, p } = paramsFor(workspaceId);
  const where = customerWhere(filter, p);
  const rows = await sql.query<{ id: number }>(
    `SELECT c.id FROM customers c WHERE ${where.join(' AND ')} ORDER BY c.id`,
    params,
  );
  return rows.map((r) => r.id);
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
  const col = SORT_COLUMN[sort.field];
  const dir = sort.desc ? 'DESC' : 'ASC';
  const cmp = sort.desc ? '<' : '>';
  const select = `SELECT c.id, c.name, c.status, c.rfm_segment, c.cvm_stage, c.r_score, c.f_score, c.m_score,
          c.purchases, c.revenue::text AS revenue, c.first_purchase_on, c.last_purchase_on, c.next_expected_on,
          c.cycle_days::float8 AS cycle_days, c.manager_id, c.tags, c.source, c.birthday,
          cp.p_alive, cp.predicted_clv::text AS predicted_clv, cp.churn_risk, ${FIRST_CONTACTS},
          ${col.expr}${col.cast === 'numeric' ? '::text' : ''} AS sort_value`;
  const predictions =
    'LEFT JOIN customer_predictions cp ON cp.workspace_id = c.workspace_id AND cp.customer_id = c.id';
  if (sort.field === 'id' && filter.search !== undefined) {
    return (
      await searchDrivenPage(sql, workspaceId, filter, select, predictions, sort.desc, after, limit)
    ).map(toRow);
  }
  const { params, p } = paramsFor(workspaceId);
  const where = customerWhere(filter, p);
  const base = where.join(' AND ');
  const baseParams = params.length;

  const run = async (extra: string[], order: string, n: number) => {
    const text = `${select} FROM customers c ${predictions}
     WHERE ${[base, ...extra].join(' AND ')} ORDER BY ${order} LIMIT ${n}`;
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

  return rows.map(toRow);
}

/**
 * A search's page in id order, driven from its matches in one statement: the next candidate ids
 * in order (name words through queries/name-search.ts, identifiers by key), each customer
 * looked up by id and filtered, plus how many candidates there were. Without filters the
 * candidates are the page (a batch of `limit`); with filters a batch of 4 × limit (≥ 200), and
 * when the filters leave the page short while candidates remain, it goes on from the last
 * candidate with a 4× larger batch, so the page is exact.
 */
async function searchDrivenPage(
  sql: Sql,
  workspaceId: number,
  filter: CustomerListFilter,
  select: string,
  predictions: string,
  desc: boolean,
  after: Keyset | null,
  limit: number,
): Promise<Raw[]> {
  const search = filter.search!;
  const dir = desc ? 'DESC' : 'ASC';
  const rest: CustomerListFilter = { ...filter, search: undefined };
  // Any condition besides the ones every query has (a manager's visibility included).
  const filtered = customerWhere(rest, () => '$0').length > ALWAYS.length;
  const words = search.nameWords?.length ? await expandNameWords(sql, workspaceId, search.nameWords) : null;
  const rows: Raw[] = [];
  let from = after?.id ?? null;
  let batch = filtered ? Math.max(4 * limit, 200) : limit;
  for (;;) {
    const { params, p } = paramsFor(workspaceId);
    const ids = identifierMatches(search, p);
    const next = () => (from === null ? '' : `WHERE customer_id ${desc ? '<' : '>'} ${p(from)}::bigint`);
    const parts = [
      words && nameCandidatesSql(workspaceId, words, p, { from, desc, batch }),
      ids &&
        `SELECT DISTINCT customer_id FROM (${ids}) AS s (customer_id) ${next()} ORDER BY 1 ${dir} LIMIT ${batch}`,
    ].filter((q) => q !== null);
    if (parts.length === 0) return rows;
    const where = customerWhere(rest, p);
    const page = await sql.query<Raw & { candidates: number; last_candidate: number | null }>(
      `WITH m AS MATERIALIZED (
         SELECT customer_id FROM (${parts.map((q) => `(${q})`).join(' UNION ')}) AS u ORDER BY 1 ${dir} LIMIT ${batch}),
       s AS (SELECT count(*)::int AS n, ${desc ? 'min' : 'max'}(customer_id) AS last FROM m)
       SELECT s.n AS candidates, s.last AS last_candidate, r.* FROM s LEFT JOIN LATERAL (
         ${select} FROM m
           -- OFFSET 0: a lookup per candidate, in the candidates' order (not a join to plan).
           CROSS JOIN LATERAL (SELECT * FROM customers c WHERE c.workspace_id = $1 AND c.id = m.customer_id OFFSET 0) AS c
           ${predictions}
          WHERE ${where.join(' AND ')} ORDER BY m.customer_id ${dir} LIMIT ${limit - rows.length}) AS r ON true`,
      params,
      // The shapes without filters are few (words, order, page size): planned once per connection.
      { prepared: !filtered },
    );
    for (const r of page) if (r.id !== null) rows.push(r);
    const read = page[0];
    // Short: the end of the matches, or the filters dropped most of this batch.
    if (rows.length >= limit || !read || read.candidates < batch || read.last_candidate === null) return rows;
    from = read.last_candidate;
    batch *= 4;
  }
}

/**
 * The first phone and e-mail of the row's customer, as columns `phone` and `email`: subqueries in
 * the select list, so a sorted page computes them only for the rows it returns. (One read of the
 * identifiers for both, with array_agg … FILTER, measured no faster at 1M customers.)
 */
const FIRST_CONTACTS = `${firstIdentifierSql('phone')} AS phone, ${firstIdentifierSql('email')} AS email`;

function toRow(r: Raw): CustomerListRow {
  return {
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
    phone: r.phone,
    email: r.email,
    pAlive: r.p_alive,
    predictedClv: r.predicted_clv,
    churnRisk: r.churn_risk,
    sortValue: r.sort_value,
  };
}

/**
 * The dashboard's counts in one scan: customers by lifecycle status, RFM segment, CVM stage
 * and (R, F) score pair, plus the total. One pass over the base (GROUPING SETS) costs about
 * as much as the counts without the grid; a separate grid query was ~300 ms more at 1M.
 */
export async function dashboardCounts(
  sql: Sql,
  workspaceId: number,
  visibleManager: number | null,
): Promise<{
  rows: { dimension: 'status' | 'rfm_segment' | 'cvm_stage'; value: string | null; count: number }[];
  grid: { r: number; f: number; count: number }[];
  asOf: string | null;
  customers: number;
}> {
  // One plain GROUP BY over the five columns (a few hundred groups at most), rolled up here:
  // GROUPING SETS would sort or hash the table once per set and cannot run in parallel.
  const rows = await sql.query<{
    status: string | null;
    rfm_segment: string | null;
    cvm_stage: string | null;
    r: number | null;
    f: number | null;
    n: number;
    as_of: string | null;
  }>(
    `SELECT status, rfm_segment, cvm_stage, r_score::int AS r, f_score::int AS f, count(*)::int AS n,
            max(aggregates_as_of) AS as_of
       FROM customers
      WHERE workspace_id = $1 AND merged_into IS NULL AND ($2::bigint IS NULL OR manager_id = $2::bigint)
      GROUP BY status, rfm_segment, cvm_stage, r_score, f_score`,
    [workspaceId, visibleManager],
  );
  const out: Awaited<ReturnType<typeof dashboardCounts>> = { rows: [], grid: [], asOf: null, customers: 0 };
  const tally = {
    status: new Map<string | null, number>(),
    rfm_segment: new Map<string | null, number>(),
    cvm_stage: new Map<string | null, number>(),
  };
  const grid = new Map<string, { r: number; f: number; count: number }>();
  const add = (m: Map<string | null, number>, k: string | null, n: number) => m.set(k, (m.get(k) ?? 0) + n);
  for (const r of rows) {
    out.customers += r.n;
    if (r.as_of !== null && (out.asOf === null || r.as_of > out.asOf)) out.asOf = r.as_of;
    add(tally.status, r.status, r.n);
    add(tally.rfm_segment, r.rfm_segment, r.n);
    add(tally.cvm_stage, r.cvm_stage, r.n);
    if (r.r !== null && r.f !== null) {
      const k = `${r.r}:${r.f}`;
      const cell = grid.get(k) ?? { r: r.r, f: r.f, count: 0 };
      cell.count += r.n;
      grid.set(k, cell);
    }
  }
  for (const dimension of ['status', 'rfm_segment', 'cvm_stage'] as const)
    for (const [value, count] of tally[dimension]) out.rows.push({ dimension, value, count });
  out.grid = [...grid.values()];
  return out;
}
