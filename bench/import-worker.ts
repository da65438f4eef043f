/**
 * One measurement of the import benchmark, in a process of its own (so peak RSS and the
 * JIT/GC state belong to that measurement alone). Started by bench/import.ts as
 *
 *   node --import tsx bench/import-worker.ts '<task JSON>'
 *
 * and writes its result as JSON to `task.out`.
 */
import { openAsBlob } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { importFile } from '../src/app/import/import-file.ts';
import { hashFile, openTable } from '../src/app/import/read-table.ts';
import type { Day } from '../src/core/day.ts';
import { detectMapping, type OrderColumns } from '../src/core/import/headers.ts';
import {
  type ImportContext,
  normalizeOrderRow,
  OrderAssembler,
  type OrderRow,
} from '../src/core/import/rows.ts';
import { defaultSettings } from '../src/core/settings.ts';
import { connect } from '../src/storage/connect.ts';
import { ensureWorkspace } from '../src/storage/queries/workspaces.ts';
import { FLOOR_TABLE_SQL } from './generate-messy-csv.ts';
import { instrument, RssSampler, type TxStat } from './measure.ts';

export const AS_OF = '2026-11-23' as Day;

export type WorkerTask =
  | { task: 'hash' | 'parse' | 'normalise' | 'assemble'; file: string; rows: number; out: string }
  | {
      task: 'import';
      db: 'pglite' | 'postgres';
      url?: string;
      dataDir?: string;
      file: string;
      rows: number;
      out: string;
    }
  | { task: 'copy-pglite'; dataDir: string; clean: string; rows: number; out: string };

export interface StageResult {
  task: string;
  ms: number;
  rows: number;
  peakRssMb: number;
  /** RSS after the modules loaded, before the work */
  baseRssMb?: number;
  /** orders assembled (assemble stage) */
  orders?: number;
  /** user + system CPU time of this process (less sensitive than wall time to a busy machine) */
  cpuMs?: number;
}

export interface ImportResult extends StageResult {
  db: 'pglite' | 'postgres';
  connectMs: number;
  summary: {
    rows: number;
    imported: number;
    skipped: number;
    rejected: number;
    customersCreated: number;
    ordersCreated: number;
  };
  /** RSS (MiB) peaks by progress through the rows: ≤25 %, 25–50 %, 50–75 %, 75–100 % of rows, then the final evaluation. */
  rssByQuarter: [number, number, number, number];
  rssFinalEvalMb: number;
  /** Chunk-writing transactions: count, wall, SQL inside, BEGIN/COMMIT. */
  chunks: {
    count: number;
    wallMs: number;
    sqlMs: number;
    jsMs: number;
    commitMs: number;
    firstTenthMs: number;
    lastTenthMs: number;
  };
  /** Everything after the last chunk committed: finishBatch + ensureEvaluated (full recompute). */
  finalEvalMs: number;
  /** SQL time outside chunk transactions before the final evaluation (settings, batch, …). */
  otherSqlMs: number;
  topQueries: { caller: string; calls: number; ms: number }[];
  dbSizeMb: number;
  tables: Record<string, number>;
}

let task: WorkerTask;
let sampler: RssSampler;
/** CPU usage when the timed part of the stage began. */
let cpu0: NodeJS.CpuUsage | undefined;

function log(msg: string) {
  process.stderr.write(`  [${task.task}${task.task === 'import' ? `:${task.db}` : ''}] ${msg}\n`);
}

async function readStage(
  kind: 'hash' | 'parse' | 'normalise' | 'assemble',
  file: string,
): Promise<StageResult> {
  const t0 = performance.now();
  cpu0 = process.cpuUsage();
  let rows = 0;
  sampler.rows = 0;
  if (kind === 'hash') {
    await hashFile(file);
  } else {
    const table = await openTable(file);
    const mapping = detectMapping(table.headers, 'orders', {});
    if (!mapping.ok) throw new Error(`mapping failed: ${mapping.error}`);
    const columns = mapping.value.columns as OrderColumns;
    const settings = defaultSettings();
    const ctx: ImportContext = {
      timeZone: settings.timezone,
      country: settings.country,
      dateOrder: 'DMY',
      excelSerial: false,
      today: AS_OF,
    };
    const assembler = new OrderAssembler();
    let previous: OrderRow | null = null;
    let orders = 0;
    for await (const row of table.rows) {
      rows++;
      if ((rows & 8191) === 0) sampler.rows = rows;
      if (kind === 'parse') continue;
      const res = normalizeOrderRow(row.cells, row.line, columns, ctx, previous);
      if (!res.ok) continue;
      previous = res.value;
      if (kind === 'assemble') orders += assembler.push(res.value).length;
    }
    if (kind === 'assemble') orders += assembler.flush().length;
    return {
      task: kind,
      ms: performance.now() - t0,
      rows,
      peakRssMb: sampler.peak,
      ...(kind === 'assemble' ? { orders } : {}),
    };
  }
  return { task: kind, ms: performance.now() - t0, rows, peakRssMb: sampler.peak };
}

async function importStage(t: Extract<WorkerTask, { task: 'import' }>): Promise<ImportResult> {
  if (t.dataDir) {
    await rm(t.dataDir, { recursive: true, force: true });
    await mkdir(t.dataDir, { recursive: true });
  }
  const c0 = performance.now();
  const raw = await connect(t.db === 'postgres' ? { databaseUrl: t.url } : { dataDir: t.dataDir });
  const workspaceId = (await ensureWorkspace(raw, `bench-import-${Date.now()}`)).id;
  const connectMs = performance.now() - c0;
  const { db, stats } = instrument(raw);
  let rowsDone = 0;
  let lastLog = performance.now();
  sampler.rows = 0;
  const t0 = performance.now();
  cpu0 = process.cpuUsage();
  const summary = await importFile(db, workspaceId, {
    kind: 'orders',
    path: t.file,
    asOf: AS_OF,
    onProgress: (p) => {
      rowsDone = p.rows;
      sampler.rows = p.rows;
      const now = performance.now();
      if (now - lastLog > 15_000) {
        lastLog = now;
        const s = (now - t0) / 1000;
        log(
          `${rowsDone} rows in ${s.toFixed(0)} s (${Math.round(rowsDone / s)} rows/s), rss ${Math.round(sampler.peak)} MiB`,
        );
      }
    },
  });
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  sampler.stop();

  const chunkTx = stats.tx.filter((x) => /writeOrders|writeCustomers|inTransaction/.test(x.by));
  const lastChunkEnd = chunkTx.length > 0 ? chunkTx[chunkTx.length - 1]!.end : t0;
  const sum = (xs: TxStat[], f: (x: TxStat) => number) => xs.reduce((a, x) => a + f(x), 0);
  const tenth = Math.max(1, Math.floor(chunkTx.length / 10));
  const avg = (xs: TxStat[]) => (xs.length ? sum(xs, (x) => x.end - x.start) / xs.length : 0);
  const chunkSql = sum(chunkTx, (x) => x.queryMs);
  const finalEvalMs = t0 + ms - lastChunkEnd;
  // Queries outside chunk transactions and before the final evaluation (settings, batch rows).
  const otherSqlMs = stats.log.filter((x) => !x.inTx && x.start < lastChunkEnd).reduce((a, x) => a + x.ms, 0);

  const total = t.rows;
  const q = (from: number, to: number) => Math.round(sampler.peakBetween(total, from, to));
  const finalEvalRss = Math.round(
    sampler.samples.filter((s) => s.t >= lastChunkEnd - t0).reduce((a, s) => Math.max(a, s.rss), 0),
  );
  const sizeRows = await raw.query<{ mb: number }>(
    'SELECT (pg_database_size(current_database()) / 1048576.0)::float8 AS mb',
  );
  const tables: Record<string, number> = {};
  for (const name of [
    'orders',
    'order_lines',
    'customers',
    'customer_identifiers',
    'import_rejects',
    'events',
  ]) {
    const r = await raw.query<{ n: number }>(
      `SELECT count(*)::int8 AS n FROM ${name} WHERE workspace_id = $1`,
      [workspaceId],
    );
    tables[name] = r[0]?.n ?? 0;
  }
  await raw.close();
  return {
    task: 'import',
    db: t.db,
    ms,
    rows: summary.rows,
    peakRssMb: Math.round(sampler.peak),
    cpuMs: Math.round((cpu.user + cpu.system) / 1000),
    connectMs,
    summary: {
      rows: summary.rows,
      imported: summary.imported,
      skipped: summary.skipped,
      rejected: summary.rejected.length,
      customersCreated: summary.customers_created,
      ordersCreated: summary.orders_created,
    },
    rssByQuarter: [q(0, 0.25), q(0.25, 0.5), q(0.5, 0.75), q(0.75, 1)],
    rssFinalEvalMb: finalEvalRss,
    chunks: {
      count: chunkTx.length,
      wallMs: sum(chunkTx, (x) => x.end - x.start),
      sqlMs: chunkSql,
      jsMs: sum(chunkTx, (x) => x.fnMs - x.queryMs),
      commitMs: sum(chunkTx, (x) => x.end - x.start - x.fnMs),
      firstTenthMs: avg(chunkTx.slice(0, tenth)),
      lastTenthMs: avg(chunkTx.slice(-tenth)),
    },
    finalEvalMs,
    otherSqlMs,
    topQueries: [...stats.byCaller.entries()]
      .map(([caller, v]) => ({ caller, calls: v.calls, ms: v.ms }))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 12),
    dbSizeMb: Math.round(sizeRows[0]?.mb ?? 0),
    tables,
  };
}

/** COPY of the clean rows into a plain table in a fresh PGlite: the embedded database's floor. */
async function copyPglite(t: Extract<WorkerTask, { task: 'copy-pglite' }>): Promise<StageResult> {
  await rm(t.dataDir, { recursive: true, force: true });
  await mkdir(t.dataDir, { recursive: true });
  const pg = new PGlite(t.dataDir);
  await pg.waitReady;
  await pg.exec(FLOOR_TABLE_SQL);
  const blob = await openAsBlob(t.clean);
  const t0 = performance.now();
  cpu0 = process.cpuUsage();
  await pg.query(`COPY orders_floor FROM '/dev/blob' WITH (FORMAT csv, HEADER true)`, [], { blob });
  const ms = performance.now() - t0;
  const n = await pg.query<{ n: number }>('SELECT count(*)::int4 AS n FROM orders_floor');
  await pg.close();
  await rm(t.dataDir, { recursive: true, force: true });
  return { task: 'copy-pglite', ms, rows: n.rows[0]?.n ?? 0, peakRssMb: Math.round(sampler.peak) };
}

async function main(): Promise<void> {
  task = JSON.parse(process.argv[2] ?? '{}') as WorkerTask;
  sampler = new RssSampler(250);
  let result: StageResult;
  if (task.task === 'import') result = await importStage(task);
  else if (task.task === 'copy-pglite') result = await copyPglite(task);
  else result = await readStage(task.task, task.file);
  sampler.stop();
  result.peakRssMb = Math.round(Math.max(result.peakRssMb, sampler.peak));
  result.baseRssMb = Math.round(sampler.samples[0]?.rss ?? 0);
  if (result.cpuMs === undefined) {
    const cpu = process.cpuUsage(cpu0);
    result.cpuMs = Math.round((cpu.user + cpu.system) / 1000);
  }
  await writeFile(task.out, JSON.stringify(result, null, 2));
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) await main();
