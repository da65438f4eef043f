/**
 * Analytics at scale (issue 3, item 8): a generated retail history (default 100k customers /
 * 1M orders; `--customers 1000000 --orders 10000000` for the large size) bulk-loaded into a
 * fresh PostgreSQL database and/or a fresh PGlite data dir, then, with the product's code:
 *
 *  1. full recompute — `recomputeWorkspace` (first after the load, then again in steady state),
 *     with its phases timed (load purchases, load customers, core pass, prepare, write-back);
 *  2. the 3-month report — `buildReport` for [2025-04-01, 2025-07-01) as of 2025-06-30;
 *     (the steady recompute is the best of 2 runs; the report and DuckDB's steps the best of
 *     `--repeat`, default 3: the numbers of a machine that may be busy with other work);
 *  3. one customer's update on a new order — `recordOrders` with one order for 1,000 random
 *     existing customers: p50 / p99 / max;
 *  4. DuckDB (in memory, same rows from a CSV) computing the same from raw orders; its answers
 *     are compared with ours (status and RFM segment counts, the KPI table, monthly churn).
 *
 *   npm run bench -- analytics --customers 100000 --orders 1000000 [--db pg|pglite|both]
 *     [--database-url postgres://root@127.0.0.1:5432/postgres] [--updates 1000] [--no-duckdb]
 *     [--keep] [--reuse] [--repeat 3]
 *
 * `--keep` leaves the database / data dir in place; `--reuse` starts from a kept one (its
 * benchmark orders added by a previous run are deleted first; the "initial" recompute is then
 * not initial). Results go to stdout and to bench/.data/analytics-<customers>-<orders>-<db>.json.
 */
import { execSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, freemem, loadavg, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { recomputeWorkspace } from '../src/app/analytics/customer-aggregates.ts';
import { buildReport, type Report } from '../src/app/analytics/read-analytics.ts';
import { recordOrders } from '../src/app/orders/record-orders.ts';
import { getSettings } from '../src/app/workspace.ts';
import { zonedWallTimeToUtc } from '../src/core/import/values.ts';
import type { Database } from '../src/storage/connect.ts';
import { type DuckResult, duckdbAnalytics, writeOrdersCsv } from './analytics-duckdb.ts';
import { generate, rng } from './analytics-generate.ts';
import { freshPglite, freshPostgres, load, open, type Target } from './analytics-load.ts';
import { type Phases, recomputePhases } from './analytics-phases.ts';

const AS_OF = '2025-06-30';
const FROM = '2025-04-01';
const TO = '2025-07-01';
const BOUNDS = ['2025-04-01', '2025-05-01', '2025-06-01', '2025-07-01'];
const DATA = fileURLToPath(new URL('./.data/', import.meta.url));

function opt(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i >= 0) return args[i + 1];
  const eq = args.find((a) => a.startsWith(`${name}=`));
  return eq?.slice(name.length + 1);
}

function intOpt(args: string[], name: string, fallback: number): number {
  const raw = opt(args, name);
  if (raw === undefined) return fallback;
  const m = /^(\d+(?:\.\d+)?)([km]?)$/i.exec(raw.replaceAll('_', '').replaceAll(',', ''));
  const n = m ? Math.round(Number(m[1]) * ({ k: 1e3, m: 1e6 }[m[2]!.toLowerCase()] ?? 1)) : Number.NaN;
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return n;
}

const log = (s: string) => process.stderr.write(`${s}\n`);
const sec = (ms: number) => (ms / 1000).toFixed(ms >= 100_000 ? 0 : ms >= 10_000 ? 1 : 2);

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

export interface DbResult {
  db: 'postgres' | 'pglite';
  version: string;
  loadMs: number;
  recomputeInitialMs: number;
  recomputeMs: number;
  phases: Phases;
  reportMs: number[];
  update: { n: number; p50: number; p99: number; max: number; mean: number };
  workspaceCycle: number | null;
  status: Record<string, number>;
  rfm: Record<string, number>;
  kpis: Record<string, number | null>;
  churn: { from: string; base: number; churned: number }[];
  peakRssMb: number;
  /** Dead customer rows one full recompute leaves (n_dead_tup before the vacuum). */
  deadTuples: number;
}

class Peak {
  mb = 0;
  private readonly timer = setInterval(() => this.sample(), 200);
  constructor() {
    this.timer.unref();
  }
  sample(): void {
    this.mb = Math.max(this.mb, process.memoryUsage().rss / 1048576);
  }
  stop(): number {
    clearInterval(this.timer);
    this.sample();
    return this.mb;
  }
}

async function counts(db: Database, ws: number, column: 'status' | 'rfm_segment') {
  const rows = await db.query<{ k: string; n: number }>(
    `SELECT ${column} AS k, count(*)::int AS n FROM customers
      WHERE workspace_id = $1 AND merged_into IS NULL AND ${column} IS NOT NULL GROUP BY 1 ORDER BY 1`,
    [ws],
  );
  return Object.fromEntries(rows.map((r) => [r.k, r.n]));
}

async function benchDb(
  kind: 'postgres' | 'pglite',
  args: string[],
  g: ReturnType<typeof generate>,
): Promise<DbResult> {
  const adminUrl = opt(args, '--database-url') ?? 'postgres://root@127.0.0.1:5432/postgres';
  const name = `bench_analytics_${g.customers}_${g.orders}`;
  const reuse = args.includes('--reuse');
  const repeat = intOpt(args, '--repeat', 3);
  let target: Target;
  let loadMs = 0;
  const peak = new Peak();
  const pgliteDir = `${DATA}pglite-${g.customers}-${g.orders}`;
  if (reuse && (kind === 'pglite' ? existsSync(pgliteDir) : true)) {
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    target =
      kind === 'postgres'
        ? { kind, where: url.toString(), drop: async () => {} }
        : { kind, where: pgliteDir, drop: async () => {} };
    log(`${kind}: reusing ${target.where}`);
  } else {
    target = kind === 'postgres' ? await freshPostgres(adminUrl, name) : freshPglite(pgliteDir);
    log(`${kind}: loading ${g.customers} customers, ${g.orders} orders into ${target.where}`);
    const t0 = performance.now();
    await load(target, g, log);
    loadMs = performance.now() - t0;
    log(`${kind}: loaded in ${sec(loadMs)} s`);
  }
  const db = await open(target);
  try {
    const [{ version }] = (await db.query<{ version: string }>(`SELECT version()`)) as [{ version: string }];
    const ws = (
      await db.query<{ id: number }>(`SELECT workspace_id AS id FROM workspaces WHERE name = 'bench'`)
    )[0]!.id;
    if (reuse) {
      await db.query(`DELETE FROM orders WHERE workspace_id = $1 AND id > $2`, [ws, g.orders]);
    }
    const settings = await getSettings(db, ws);

    // A full recompute rewrites every customer row. A server's autovacuum cleans up between two
    // nightly runs; this server has autovacuum off and PGlite runs no background worker, so the
    // benchmark vacuums (untimed) before each timed run and reports what one run leaves behind.
    const vacuum = async () => {
      const [d] = await db.query<{ n: number }>(
        `SELECT n_dead_tup::int AS n FROM pg_stat_user_tables WHERE relname = 'customers'`,
      );
      await db.query('VACUUM ANALYZE customers');
      return d?.n ?? 0;
    };
    let t0 = performance.now();
    const first = await recomputeWorkspace(db, ws, AS_OF, settings);
    const recomputeInitialMs = performance.now() - t0;
    log(`${kind}: recompute (initial) ${sec(recomputeInitialMs)} s, C_w ${first.workspaceCycle}`);
    const deadTuples = await vacuum();
    const phases = await recomputePhases(db, ws, AS_OF, settings);
    await vacuum();
    log(
      `${kind}: phases load ${sec(phases.loadPurchases)} / customers ${sec(phases.loadCustomers)} / core ${sec(phases.core)} / prepare ${sec(phases.prepare)} / write ${sec(phases.writeBack)} = ${sec(phases.total)} s`,
    );
    let recomputeMs = Number.POSITIVE_INFINITY;
    let steady = first;
    for (let i = 0; i < 2; i++) {
      t0 = performance.now();
      steady = await recomputeWorkspace(db, ws, AS_OF, settings);
      const ms = performance.now() - t0;
      await vacuum();
      recomputeMs = Math.min(recomputeMs, ms);
      log(`${kind}: recompute (steady) ${sec(ms)} s`);
    }

    const status = await counts(db, ws, 'status');
    const rfm = await counts(db, ws, 'rfm_segment');

    const reportMs: number[] = [];
    let report: Report | null = null;
    for (let i = 0; i < repeat; i++) {
      t0 = performance.now();
      report = await buildReport(db, ws, { from: FROM, to: TO, asOf: AS_OF, settings });
      reportMs.push(performance.now() - t0);
    }
    log(`${kind}: report ${reportMs.map(sec).join(' / ')} s`);

    // One order for each of `updates` random existing customers (after 20 unmeasured warm-ups).
    const updates = intOpt(args, '--updates', 1000);
    const r = rng(7);
    const times: number[] = [];
    const base = zonedWallTimeToUtc(2025, 6, 30, 21, 0, 0, 'Europe/Moscow');
    for (let i = 0; i < updates + 20; i++) {
      const customer = 1 + Math.floor(r() * g.customers);
      const t1 = performance.now();
      await recordOrders(
        db,
        ws,
        [
          {
            externalId: `bench-${i}`,
            customer: { externalId: `c${customer}` },
            at: base + i * 1000,
            amountCents: 250_000,
          },
        ],
        { settings, asOf: AS_OF },
      );
      if (i >= 20) times.push(performance.now() - t1);
    }
    times.sort((a, b) => a - b);
    const update = {
      n: times.length,
      p50: quantile(times, 0.5),
      p99: quantile(times, 0.99),
      max: times[times.length - 1]!,
      mean: times.reduce((a, b) => a + b, 0) / times.length,
    };
    log(
      `${kind}: update p50 ${update.p50.toFixed(2)} ms, p99 ${update.p99.toFixed(2)} ms, max ${update.max.toFixed(1)} ms`,
    );
    return {
      db: kind,
      version,
      loadMs,
      recomputeInitialMs,
      recomputeMs,
      phases,
      reportMs,
      update,
      workspaceCycle: steady.workspaceCycle,
      status,
      rfm,
      kpis: report!.kpis as unknown as Record<string, number | null>,
      churn: report!.ltv.churnByMonth.map((m) => ({ from: m.from, base: m.base, churned: m.churned })),
      peakRssMb: peak.stop(),
      deadTuples,
    };
  } finally {
    await db.close();
    if (!args.includes('--keep')) await target.drop();
  }
}

const KPI_CHECKS = [
  'orders',
  'revenue',
  'primary_orders',
  'primary_revenue',
  'repeat_orders',
  'repeat_revenue',
  'unique_customers',
  'new_customers',
  'repeat_customers',
] as const;

/** Differences between our answers and DuckDB's (empty = equal). */
export function compare(ours: DbResult, duck: DuckResult): string[] {
  const out: string[] = [];
  const keys = (a: Record<string, number>, b: Record<string, number>) => [
    ...new Set([...Object.keys(a), ...Object.keys(b)]),
  ];
  for (const k of keys(ours.status, duck.status))
    if ((ours.status[k] ?? 0) !== (duck.status[k] ?? 0))
      out.push(`status ${k}: ours ${ours.status[k] ?? 0}, duckdb ${duck.status[k] ?? 0}`);
  for (const k of keys(ours.rfm, duck.rfm))
    if ((ours.rfm[k] ?? 0) !== (duck.rfm[k] ?? 0))
      out.push(`rfm ${k}: ours ${ours.rfm[k] ?? 0}, duckdb ${duck.rfm[k] ?? 0}`);
  for (const k of KPI_CHECKS)
    if (ours.kpis[k] !== duck.kpis[k]) out.push(`kpi ${k}: ours ${ours.kpis[k]}, duckdb ${duck.kpis[k]}`);
  if (ours.workspaceCycle !== duck.workspaceCycle)
    out.push(`C_w: ours ${ours.workspaceCycle}, duckdb ${duck.workspaceCycle}`);
  ours.churn.forEach((m, i) => {
    const d = duck.churn[i];
    if (!d || d.base !== m.base || d.churned !== m.churned)
      out.push(`churn ${m.from}: ours ${m.base}/${m.churned}, duckdb ${d?.base}/${d?.churned}`);
  });
  return out;
}

function machine(): string {
  const pg = (() => {
    try {
      return execSync(`psql -XAtc 'show server_version' postgres://root@127.0.0.1:5432/postgres`)
        .toString()
        .trim();
    } catch {
      return '?';
    }
  })();
  return `${new Date().toISOString()} · load average ${loadavg()
    .map((x) => x.toFixed(1))
    .join(
      ' ',
    )} · ${cpus().length} CPU (${cpus()[0]?.model ?? '?'}) · ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM (${(freemem() / 2 ** 30).toFixed(0)} free) · node ${process.version} · PostgreSQL ${pg}`;
}

export async function run(args: string[]): Promise<void> {
  const customers = intOpt(args, '--customers', 100_000);
  const orders = intOpt(args, '--orders', customers * 10);
  const which = opt(args, '--db') ?? 'both';
  if (!['pg', 'pglite', 'both'].includes(which)) throw new Error(`--db pg|pglite|both, got "${which}"`);
  mkdirSync(DATA, { recursive: true });
  log(machine());
  let t0 = performance.now();
  const g = generate(customers, orders, AS_OF);
  log(`generated ${customers} customers, ${orders} orders in ${sec(performance.now() - t0)} s`);

  let duck: DuckResult | null = null;
  if (!args.includes('--no-duckdb')) {
    const csv = `${DATA}orders-${customers}-${orders}.csv`;
    if (!existsSync(csv)) {
      t0 = performance.now();
      await writeOrdersCsv(g, csv);
      log(`wrote ${csv} in ${sec(performance.now() - t0)} s`);
    }
    duck = await duckdbAnalytics({
      csv,
      customers,
      asOf: AS_OF,
      from: FROM,
      to: TO,
      bounds: BOUNDS,
      lostMultiplier: 3,
      repeat: intOpt(args, '--repeat', 3),
    });
    log(
      `duckdb: load ${sec(duck.loadMs)} s, recompute ${sec(duck.recomputeMs)} s, kpis ${sec(duck.kpisMs)} s, churn ${sec(duck.churnMs)} s`,
    );
  }

  const results: DbResult[] = [];
  for (const kind of which === 'both'
    ? (['postgres', 'pglite'] as const)
    : ([which === 'pg' ? 'postgres' : 'pglite'] as const)) {
    results.push(await benchDb(kind, args, g));
  }

  // Summary.
  const lines: string[] = [];
  lines.push(
    `## Analytics at ${customers.toLocaleString('en')} customers / ${orders.toLocaleString('en')} orders`,
  );
  lines.push('');
  lines.push(machine());
  lines.push('');
  const duckReport = duck ? duck.kpisMs + duck.churnMs : Number.NaN;
  const ratio = (a: number, b: number) => (Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(1)}×` : '—');
  lines.push(
    '| | full recompute (initial) | full recompute (steady) | 3-month report | update p50 / p99 / max (ms) | peak RSS |',
  );
  lines.push('| --- | --- | --- | --- | --- | --- |');
  for (const r of results) {
    const rep = Math.min(...r.reportMs);
    lines.push(
      `| ${r.db} | ${sec(r.recomputeInitialMs)} s | ${sec(r.recomputeMs)} s (${ratio(r.recomputeMs, duck?.recomputeMs ?? Number.NaN)} DuckDB) | ${sec(rep)} s (${ratio(rep, duckReport)} DuckDB) | ${r.update.p50.toFixed(2)} / ${r.update.p99.toFixed(2)} / ${r.update.max.toFixed(1)} | ${r.peakRssMb.toFixed(0)} MiB |`,
    );
  }
  if (duck) {
    lines.push(
      `| duckdb | — | ${sec(duck.recomputeMs)} s | ${sec(duckReport)} s (KPIs ${sec(duck.kpisMs)} + churn ${sec(duck.churnMs)}) | — | — |`,
    );
  }
  lines.push('');
  lines.push(
    'Recompute phases (steady state, s): load purchases / load customers / core pass / prepare rows / write-back',
  );
  for (const r of results) {
    const p = r.phases;
    lines.push(
      `- ${r.db}: ${sec(p.loadPurchases)} / ${sec(p.loadCustomers)} / ${sec(p.core)} / ${sec(p.prepare)} / ${sec(p.writeBack)} = ${sec(p.total)} (${p.customers.toLocaleString('en')} customers; bulk load ${sec(r.loadMs)} s; one recompute leaves ${r.deadTuples.toLocaleString('en')} dead customer rows)`,
    );
  }
  if (duck) {
    lines.push('');
    for (const r of results) {
      const diff = compare(r, duck);
      lines.push(
        diff.length === 0
          ? `- ${r.db} = DuckDB: status and RFM segment counts, C_w, the KPI table and monthly churn all equal`
          : `- ${r.db} ≠ DuckDB:\n${diff.map((d) => `  - ${d}`).join('\n')}`,
      );
    }
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  const out = `${DATA}analytics-${customers}-${orders}-${which}.json`;
  writeFileSync(out, JSON.stringify({ machine: machine(), duck, results }, null, 2));
  log(`results: ${out}`);
}
