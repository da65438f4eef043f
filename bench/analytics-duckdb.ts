/**
 * The same analytics computed by DuckDB (in memory) from the raw generated orders, written as
 * a DuckDB user would: per customer first/last purchase day, purchase days, purchases, revenue,
 * own cycle, `C_c`, lifecycle status, RFM quantile scores and segment (PRODUCT.md
 * "Definitions", exact formulas), the KPI table of a period with the primary/repeat split, and
 * the monthly churn behind LTV. Used both as a speed reference and as an independent check.
 */
import { createWriteStream } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
import { dayToNumber } from '../src/core/day.ts';
import type { Generated } from './analytics-generate.ts';

export interface DuckResult {
  loadMs: number;
  /** Per-customer aggregates + status + RFM, materialised as a table. */
  recomputeMs: number;
  /** The period's KPI table. */
  kpisMs: number;
  /** Monthly churn (statuses at each month boundary) of the period. */
  churnMs: number;
  status: Record<string, number>;
  rfm: Record<string, number>;
  workspaceCycle: number | null;
  kpis: Record<string, number>;
  churn: { from: string; base: number; churned: number }[];
}

const SEGMENT_GRID: string[][] = [
  // R = 1 … 5 (rows), F = 1 … 5 (columns)
  ['hibernating', 'hibernating', 'at_risk', 'at_risk', 'cant_lose'],
  ['hibernating', 'hibernating', 'at_risk', 'at_risk', 'cant_lose'],
  ['about_to_sleep', 'about_to_sleep', 'need_attention', 'loyal', 'loyal'],
  ['promising', 'potential_loyalist', 'potential_loyalist', 'loyal', 'loyal'],
  ['new', 'potential_loyalist', 'potential_loyalist', 'champions', 'champions'],
];

/** Writes the generated orders as a numeric CSV (the file DuckDB reads). */
export async function writeOrdersCsv(g: Generated, path: string): Promise<void> {
  const out = createWriteStream(path);
  const write = (s: string) =>
    out.write(s) ? Promise.resolve() : new Promise<void>((r) => out.once('drain', () => r()));
  await write('id,customer_id,day,at_ms,cents,status\n');
  const SLICE = 100_000;
  for (let i = 0; i < g.orders; i += SLICE) {
    const parts: string[] = [];
    const end = Math.min(g.orders, i + SLICE);
    for (let j = i; j < end; j++) {
      parts.push(`${j + 1},${g.customerId[j]},${g.day[j]},${g.at[j]},${g.cents[j]},${g.status[j]}\n`);
    }
    await write(parts.join(''));
  }
  await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
}

/** The fastest of `n` runs, ms. */
async function best(n: number, f: () => Promise<unknown>): Promise<number> {
  let min = Number.POSITIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await f();
    min = Math.min(min, performance.now() - t0);
  }
  return min;
}

function statusCase(cc: string, since: string, days: string, L: number): string {
  return `CASE WHEN ${days} IS NULL OR ${days} = 0 THEN 'lead'
               WHEN ${cc} IS NULL OR ${since} <= ${cc} THEN CASE WHEN ${days} = 1 THEN 'newbie' ELSE 'fan' END
               WHEN ${since} <= ${L} * ${cc} THEN 'sleeping' ELSE 'lost' END`;
}

export async function duckdbAnalytics(opts: {
  csv: string;
  customers: number;
  asOf: string;
  from: string;
  to: string;
  /** Month boundaries of [from, to] as in churn.ts: from, each month start inside, to. */
  bounds: string[];
  lostMultiplier: number;
  threads?: number;
  /** Runs of each timed step; the best is reported. */
  repeat: number;
}): Promise<DuckResult> {
  const inst = await DuckDBInstance.create(':memory:', opts.threads ? { threads: String(opts.threads) } : {});
  const con = await inst.connect();
  const all = async (q: string) => (await con.runAndReadAll(q)).getRowObjectsJS();
  const A = dayToNumber(opts.asOf);
  const F = dayToNumber(opts.from);
  const T = dayToNumber(opts.to);
  const L = opts.lostMultiplier;

  const t0 = performance.now();
  await con.run(
    `CREATE TABLE orders AS SELECT * FROM read_csv('${opts.csv}', header = true,
       columns = {'id': 'BIGINT', 'customer_id': 'BIGINT', 'day': 'INTEGER', 'at_ms': 'BIGINT', 'cents': 'BIGINT', 'status': 'UTINYINT'})`,
  );
  await con.run(`CREATE TABLE customers AS SELECT range + 1 AS id FROM range(${opts.customers})`);
  const loadMs = performance.now() - t0;

  // 1. The full recompute as of A: every customer (leads too), materialised.
  const recomputeMs = await best(opts.repeat, () =>
    con.run(`
    CREATE OR REPLACE TABLE agg AS
    WITH p AS (SELECT customer_id AS c, day AS d, cents FROM orders WHERE status = 0 AND cents > 0 AND day <= ${A}),
    base AS (SELECT c, min(d) AS first_d, max(d) AS last_d, count(DISTINCT d) AS days, count(*) AS purchases,
                    sum(cents) AS revenue FROM p GROUP BY c),
    iv AS (SELECT c, d - lag(d) OVER (PARTITION BY c ORDER BY d) AS iv FROM (SELECT DISTINCT c, d FROM p)),
    own AS (SELECT c, count(iv) AS n_iv, median(iv) AS own FROM iv GROUP BY c),
    cw AS (SELECT median(iv) AS cw FROM iv),
    cust AS (
      SELECT k.id AS c, b.first_d, b.last_d, coalesce(b.days, 0) AS days, coalesce(b.purchases, 0) AS purchases,
             coalesce(b.revenue, 0) AS revenue, CASE WHEN o.n_iv >= 2 THEN o.own END AS own_cycle,
             CASE WHEN b.c IS NULL THEN NULL WHEN o.n_iv >= 2 THEN o.own ELSE cw.cw END AS cycle,
             ${A} - b.last_d AS recency
        FROM customers k LEFT JOIN base b ON b.c = k.id LEFT JOIN own o ON o.c = k.id CROSS JOIN cw),
    scored AS (
      SELECT *, ${statusCase('cycle', 'recency', 'days', L)} AS status,
             CASE WHEN purchases > 0 THEN 1 + floor(5 * (rank() OVER (PARTITION BY purchases > 0 ORDER BY recency DESC) - 1)
                  / (SELECT count(*) FROM base)) END AS r,
             CASE WHEN purchases > 0 THEN 1 + floor(5 * (rank() OVER (PARTITION BY purchases > 0 ORDER BY purchases) - 1)
                  / (SELECT count(*) FROM base)) END AS f,
             CASE WHEN purchases > 0 THEN 1 + floor(5 * (rank() OVER (PARTITION BY purchases > 0 ORDER BY revenue) - 1)
                  / (SELECT count(*) FROM base)) END AS m
        FROM cust)
    SELECT *, CASE WHEN r IS NULL THEN NULL ELSE (${JSON.stringify(SEGMENT_GRID).replaceAll('"', "'")})[r::int][f::int] END AS segment
      FROM scored`),
  );

  const status: Record<string, number> = {};
  for (const r of await all(`SELECT status, count(*)::int AS n FROM agg GROUP BY status`))
    status[String(r.status)] = Number(r.n);
  const rfm: Record<string, number> = {};
  for (const r of await all(
    `SELECT segment, count(*)::int AS n FROM agg WHERE segment IS NOT NULL GROUP BY segment`,
  ))
    rfm[String(r.segment)] = Number(r.n);
  const [cwRow] = await all(
    `SELECT median(iv) AS cw FROM (SELECT d - lag(d) OVER (PARTITION BY c ORDER BY d) AS iv
       FROM (SELECT DISTINCT customer_id AS c, day AS d FROM orders WHERE status = 0 AND cents > 0 AND day <= ${A}))`,
  );

  // 2. The KPI table of [F, T): primary = the customer's first purchase in all history.
  let k: Record<string, unknown> | undefined;
  const kpisMs = await best(opts.repeat, async () => {
    [k] = await all(`
    WITH p AS (SELECT customer_id AS c, day AS d, at_ms, id, cents FROM orders WHERE status = 0 AND cents > 0 AND day <= ${A}),
    first AS (SELECT c, arg_min(id, (d, at_ms, id)) AS first_id FROM p GROUP BY c),
    inp AS (SELECT p.c, p.cents, p.id = f.first_id AS prim FROM p JOIN first f USING (c) WHERE p.d >= ${F} AND p.d < ${T}),
    per AS (SELECT c, count(*) AS n FROM inp GROUP BY c)
    SELECT (SELECT count(*) FROM inp)::BIGINT AS orders, (SELECT sum(cents) FROM inp)::BIGINT AS revenue,
           (SELECT count(*) FROM inp WHERE prim)::BIGINT AS primary_orders,
           (SELECT coalesce(sum(cents), 0) FROM inp WHERE prim)::BIGINT AS primary_revenue,
           (SELECT count(*) FROM per)::BIGINT AS unique_customers,
           (SELECT count(*) FROM per WHERE n >= 2)::BIGINT AS repeat_customers`);
  });
  const kpis: Record<string, number> = {};
  for (const [key, v] of Object.entries(k!)) kpis[key] = Number(v);
  kpis.new_customers = kpis.primary_orders!;
  kpis.repeat_orders = kpis.orders! - kpis.primary_orders!;
  kpis.repeat_revenue = kpis.revenue! - kpis.primary_revenue!;

  // 3. Monthly churn: statuses at each boundary (purchases up to it, C_w learned up to it).
  const bounds = opts.bounds.map(dayToNumber);
  let rows: Record<string, unknown>[] = [];
  const churnMs = await best(opts.repeat, async () => {
    rows = await all(`
    WITH b AS (SELECT unnest([${bounds.join(',')}]) AS x),
    iv AS (SELECT c, d, d - lag(d) OVER (PARTITION BY c ORDER BY d) AS iv
             FROM (SELECT DISTINCT customer_id AS c, day AS d FROM orders WHERE status = 0 AND cents > 0)),
    cw AS (SELECT x, median(iv) AS cw FROM b JOIN iv ON iv.d <= b.x GROUP BY x),
    per AS (SELECT x, c, count(*) AS days, max(d) AS last_d, count(iv) AS n_iv, median(iv) AS own
              FROM b JOIN iv ON iv.d <= b.x GROUP BY x, c),
    st AS (SELECT per.x, c, ${statusCase('CASE WHEN n_iv >= 2 THEN own ELSE cw END', 'per.x - last_d', 'days', L)} AS s
             FROM per JOIN cw USING (x)),
    w AS (SELECT x, c, s, lead(s) OVER (PARTITION BY c ORDER BY x) AS next_s FROM st)
    SELECT x, count(*) FILTER (s IN ('newbie', 'fan', 'sleeping'))::BIGINT AS base,
           count(*) FILTER (s IN ('newbie', 'fan', 'sleeping') AND next_s = 'lost')::BIGINT AS churned
      FROM w WHERE x < ${bounds[bounds.length - 1]} GROUP BY x ORDER BY x`);
  });
  const churn = rows.map((r, i) => ({
    from: opts.bounds[i]!,
    base: Number(r.base),
    churned: Number(r.churned),
  }));
  con.closeSync();
  inst.closeSync();
  return {
    loadMs,
    recomputeMs,
    kpisMs,
    churnMs,
    status,
    rfm,
    workspaceCycle: cwRow?.cw === null || cwRow?.cw === undefined ? null : Number(cwRow.cw),
    kpis,
    churn,
  };
}
