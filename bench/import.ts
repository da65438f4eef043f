/**
 * `npm run bench -- import [options]`: how fast the app's own importer takes a messy 1M-row
 * orders export, on PGlite and on PostgreSQL, against the floor — PostgreSQL `COPY` of the
 * same rows already clean into a plain table — plus where the time goes.
 *
 * Options:
 *   --rows N          rows in the generated file (default 1,000,000; 200k, 1m also accepted)
 *   --pglite-rows N   rows for the PGlite run when it must be smaller (default: --rows)
 *   --db LIST         pglite,postgres (default both)
 *   --pg-url URL      server to create a fresh database on (default $BENCH_PG_URL or
 *                     postgres://root@127.0.0.1:5432); psql must be on PATH
 *   --seed N          generator seed (default 20261123)
 *   --no-breakdown    skip the read / parse / normalise stages
 *   --no-docs         do not rewrite the "Import" section of docs/BENCHMARKS.md
 *   --regenerate      regenerate the CSV files even when they exist
 *
 * Every measurement runs in a child process (bench/import-worker.ts) so its peak RSS is its own.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FLOOR_TABLE_SQL, type GenerateResult, generateMessyCsv } from './generate-messy-csv.ts';
import type { ImportResult, StageResult, WorkerTask } from './import-worker.ts';
import { flag, fmtInt, fmtRate, fmtSec, intOption, MB, option } from './measure.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DATA = join(ROOT, 'bench', '.data');
const WORKER = join(ROOT, 'bench', 'import-worker.ts');
const DOC = join(ROOT, 'docs', 'BENCHMARKS.md');
/** Bump when the generator's output changes, so stale files are regenerated. */
const GENERATOR_VERSION = 1;
const DEFAULT_SEED = 20261123;
const TARGETS = { postgres: 100_000, pglite: 30_000 } as const;
/** "Flat memory": the RSS peak in the second half of the rows stays within this of the first quarter's. */
const FLAT_TOLERANCE = 1.25;

type DbKind = 'pglite' | 'postgres';

interface Dataset {
  rows: number;
  file: string;
  clean: string;
  gen: GenerateResult;
}

interface Machine {
  date: string;
  cpus: string;
  cpuModel: string;
  memory: string;
  node: string;
  postgres: string;
  pgSettings: string;
  loadStart: string;
  loadEnd?: string;
}

interface DbRun {
  db: DbKind;
  dataset: Dataset;
  result: ImportResult;
  copy: StageResult | null;
}

interface Report {
  machine: Machine;
  main: Dataset;
  breakdown: Partial<Record<'hash' | 'parse' | 'normalise' | 'assemble', StageResult>>;
  pgCopy: Map<number, StageResult>;
  pgliteCopy: Map<number, StageResult>;
  runs: DbRun[];
  skipped: string[];
}

function sh(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch {
    return '?';
  }
}

function psql(url: string, sql: string): string {
  return execFileSync('psql', ['-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', url, '-c', sql], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();
}

function machineInfo(pgUrl: string | null): Machine {
  const cpuModel = sh('sh', ['-c', "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2"]).trim();
  const memLine =
    sh('free', ['-g'])
      .split('\n')
      .find((l) => l.startsWith('Mem:')) ?? '';
  let postgres = 'not available';
  let pgSettings = '';
  if (pgUrl) {
    try {
      postgres = psql(`${pgUrl}/postgres`, 'SHOW server_version').split(' ')[0] ?? '?';
      pgSettings = ['shared_buffers', 'synchronous_commit', 'max_wal_size', 'work_mem', 'autovacuum']
        .map((k) => `${k}=${psql(`${pgUrl}/postgres`, `SHOW ${k}`)}`)
        .join(', ');
    } catch {
      postgres = 'not reachable';
    }
  }
  return {
    date: sh('date', ['-u']),
    cpus: sh('nproc', []),
    cpuModel,
    memory: memLine ? `${memLine.split(/\s+/)[1]} GiB total (free -g)` : '?',
    node: process.version,
    postgres,
    pgSettings,
    loadStart: loadavg()
      .map((x) => x.toFixed(2))
      .join(' '),
  };
}

async function dataset(rows: number, seed: number, regenerate: boolean): Promise<Dataset> {
  await mkdir(DATA, { recursive: true });
  const base = join(DATA, `orders-${rows}${seed === DEFAULT_SEED ? '' : `-s${seed}`}`);
  const file = `${base}.csv`;
  const clean = `${base}.clean.csv`;
  const metaPath = `${base}.meta.json`;
  if (!regenerate && existsSync(file) && existsSync(clean) && existsSync(metaPath)) {
    const meta = JSON.parse(await readFile(metaPath, 'utf8')) as {
      version: number;
      seed: number;
      gen: GenerateResult;
    };
    const size = (await stat(file)).size;
    if (meta.version === GENERATOR_VERSION && meta.seed === seed && meta.gen.bytes === size) {
      return { rows, file, clean, gen: meta.gen };
    }
  }
  process.stderr.write(`generating ${fmtInt(rows)} rows → ${relative(ROOT, file)} (+ clean twin)…\n`);
  const gen = await generateMessyCsv({ rows, seed, out: file, cleanOut: clean });
  await writeFile(metaPath, JSON.stringify({ version: GENERATOR_VERSION, seed, gen }, null, 2));
  process.stderr.write(
    `  ${fmtSec(gen.ms)}: ${(gen.bytes / MB).toFixed(0)} MiB, ${fmtInt(gen.distinctCustomers)} customers, ${fmtInt(gen.rows - gen.goodRows)} bad rows\n`,
  );
  return { rows, file, clean, gen };
}

let workerSeq = 0;

type TaskInput = WorkerTask extends infer T ? (T extends unknown ? Omit<T, 'out'> : never) : never;

async function worker<R extends StageResult>(task: TaskInput): Promise<R> {
  const out = join(DATA, `result-${process.pid}-${++workerSeq}.json`);
  const full = { ...task, out } as WorkerTask;
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WORKER, JSON.stringify(full)], {
      cwd: ROOT,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.on('error', reject);
    child.on('exit', (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`worker ${task.task} failed (${signal ?? `exit ${code}`})`)),
    );
  });
  const result = JSON.parse(await readFile(out, 'utf8')) as R;
  await rm(out, { force: true });
  return result;
}

/** PostgreSQL COPY of the clean rows through psql's \copy (client-side COPY FROM STDIN). */
function pgCopy(pgUrl: string, ds: Dataset): StageResult {
  const name = `comeback_bench_copy_${process.pid}_${Date.now()}`;
  psql(`${pgUrl}/postgres`, `CREATE DATABASE ${name}`);
  try {
    const url = `${pgUrl}/${name}`;
    psql(url, FLOOR_TABLE_SQL);
    const t0 = performance.now();
    psql(url, `\\copy orders_floor FROM '${ds.clean}' WITH (FORMAT csv, HEADER true)`);
    const ms = performance.now() - t0;
    const rows = Number(psql(url, 'SELECT count(*) FROM orders_floor'));
    return { task: 'copy-postgres', ms, rows, peakRssMb: 0 };
  } finally {
    psql(`${pgUrl}/postgres`, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
}

async function importOn(db: DbKind, ds: Dataset, pgUrl: string): Promise<ImportResult> {
  process.stderr.write(`importing ${fmtInt(ds.rows)} rows into ${db}…\n`);
  if (db === 'postgres') {
    const name = `comeback_bench_import_${process.pid}_${Date.now()}`;
    psql(`${pgUrl}/postgres`, `CREATE DATABASE ${name}`);
    try {
      return await worker<ImportResult>({
        task: 'import',
        db,
        url: `${pgUrl}/${name}`,
        file: ds.file,
        rows: ds.rows,
      });
    } finally {
      psql(`${pgUrl}/postgres`, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    }
  }
  const dataDir = join(DATA, `pglite-${process.pid}-${Date.now()}`);
  try {
    return await worker<ImportResult>({ task: 'import', db, dataDir, file: ds.file, rows: ds.rows });
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

export async function run(args: string[]): Promise<void> {
  const rows = intOption(args, '--rows', 1_000_000);
  const pgliteRows = intOption(args, '--pglite-rows', rows);
  const seed = intOption(args, '--seed', DEFAULT_SEED);
  const dbs = (option(args, '--db') ?? 'pglite,postgres').split(',').filter(Boolean) as DbKind[];
  for (const d of dbs)
    if (d !== 'pglite' && d !== 'postgres') throw new Error(`--db: unknown database "${d}"`);
  const pgBase = (
    option(args, '--pg-url') ??
    process.env.BENCH_PG_URL ??
    'postgres://root@127.0.0.1:5432'
  ).replace(/\/+$/, '');
  const skipped: string[] = [];
  let pgUrl: string | null = pgBase;
  try {
    psql(`${pgBase}/postgres`, 'SELECT 1');
  } catch (e) {
    pgUrl = null;
    skipped.push(
      `PostgreSQL at ${pgBase} is not reachable through psql (${(e as Error).message.split('\n')[0]})`,
    );
  }

  const machine = machineInfo(pgUrl);
  const main = await dataset(rows, seed, flag(args, '--regenerate'));
  const small =
    dbs.includes('pglite') && pgliteRows !== rows
      ? await dataset(pgliteRows, seed, flag(args, '--regenerate'))
      : null;
  const report: Report = {
    machine,
    main,
    breakdown: {},
    pgCopy: new Map(),
    pgliteCopy: new Map(),
    runs: [],
    skipped,
  };

  // The floor first (quick), on every dataset a database will import.
  const sets = [main, ...(small ? [small] : [])];
  for (const ds of sets) {
    if (pgUrl) {
      process.stderr.write(`COPY floor on PostgreSQL, ${fmtInt(ds.gen.goodRows)} clean rows…\n`);
      report.pgCopy.set(ds.rows, pgCopy(pgUrl, ds));
    }
    const pgliteHere = dbs.includes('pglite') && (small ? ds === small : true);
    if (pgliteHere) {
      process.stderr.write(`COPY floor on PGlite, ${fmtInt(ds.gen.goodRows)} clean rows…\n`);
      report.pgliteCopy.set(
        ds.rows,
        await worker<StageResult>({
          task: 'copy-pglite',
          dataDir: join(DATA, `pglite-copy-${process.pid}`),
          clean: ds.clean,
          rows: ds.rows,
        }),
      );
    }
  }

  if (!flag(args, '--no-breakdown')) {
    for (const stage of ['hash', 'parse', 'normalise', 'assemble'] as const) {
      process.stderr.write(`stage ${stage} on ${fmtInt(main.rows)} rows…\n`);
      report.breakdown[stage] = await worker<StageResult>({ task: stage, file: main.file, rows: main.rows });
    }
  }

  for (const db of dbs) {
    if (db === 'postgres' && !pgUrl) continue;
    const ds = db === 'pglite' && small ? small : main;
    const result = await importOn(db, ds, pgUrl ?? '');
    const copy = (db === 'postgres' ? report.pgCopy : report.pgliteCopy).get(ds.rows) ?? null;
    report.runs.push({ db, dataset: ds, result, copy });
  }
  machine.loadEnd = loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');

  process.stdout.write(`\n${renderText(report)}\n`);
  if (!flag(args, '--no-docs')) {
    await writeDocs(renderMarkdown(report));
    process.stdout.write(`\nwrote the "Import" section of ${relative(ROOT, DOC)}\n`);
  }
}

// ---------------------------------------------------------------------------------------
// Results

const LABEL: Record<DbKind, string> = { postgres: 'PostgreSQL', pglite: 'PGlite' };

function rate(r: StageResult | ImportResult, rows = r.rows): number {
  return rows / (r.ms / 1000);
}

function flatness(r: ImportResult): { flat: boolean; text: string } {
  const [q1, q2, q3, q4] = r.rssByQuarter;
  const later = Math.max(q3, q4);
  const flat = q1 > 0 && later <= q1 * FLAT_TOLERANCE;
  return { flat, text: `${q1} → ${q2} → ${q3} → ${q4} MiB` };
}

function verdict(ok: boolean): string {
  return ok ? 'met' : 'NOT met';
}

interface Row {
  what: string;
  rows: number;
  ms: number;
  rps: number;
  ratio: string;
  rss: string;
}

function tableRows(rep: Report): Row[] {
  const out: Row[] = [];
  for (const [n, c] of rep.pgCopy) {
    out.push({
      what: `PostgreSQL COPY (floor), ${fmtInt(n)}-row file`,
      rows: c.rows,
      ms: c.ms,
      rps: rate(c),
      ratio: '1.0',
      rss: '–',
    });
  }
  for (const [n, c] of rep.pgliteCopy) {
    const pg = rep.pgCopy.get(n);
    out.push({
      what: `PGlite COPY, ${fmtInt(n)}-row file`,
      rows: c.rows,
      ms: c.ms,
      rps: rate(c),
      ratio: pg ? `${(c.ms / pg.ms).toFixed(1)} (vs PG COPY)` : '–',
      rss: `${c.peakRssMb} MiB`,
    });
  }
  for (const r of rep.runs) {
    const pg = rep.pgCopy.get(r.dataset.rows);
    const own = r.copy;
    const ratios = [
      own ? `${(r.result.ms / own.ms).toFixed(1)}` : null,
      r.db === 'pglite' && pg ? `${(r.result.ms / pg.ms).toFixed(1)} vs PG COPY` : null,
    ].filter(Boolean);
    out.push({
      what: `${LABEL[r.db]} importer`,
      rows: r.result.rows,
      ms: r.result.ms,
      rps: rate(r.result),
      ratio: ratios.join(', ') || '–',
      rss: `${r.result.peakRssMb} MiB`,
    });
  }
  return out;
}

interface StageLine {
  stage: string;
  /** wall time this stage adds to the one before */
  ms: number;
  /** CPU time this stage adds (robust when the machine is busy) */
  cpuMs: number | null;
  /** rows/s of this stage and all before it (wall) */
  rps: number;
}

function breakdownLines(rep: Report): StageLine[] {
  const b = rep.breakdown;
  const cpu = (s: StageResult | undefined) => s?.cpuMs ?? null;
  const delta = (a: number | null, z: number | null) => (a === null || z === null ? null : a - z);
  const lines: StageLine[] = [];
  if (b.parse) {
    lines.push({
      stage: 'read + decode + parse CSV (openTable, iterate)',
      ms: b.parse.ms,
      cpuMs: cpu(b.parse),
      rps: rate(b.parse),
    });
  }
  if (b.normalise && b.parse) {
    lines.push({
      stage: '+ normalizeOrderRow (core)',
      ms: b.normalise.ms - b.parse.ms,
      cpuMs: delta(cpu(b.normalise), cpu(b.parse)),
      rps: rate(b.normalise),
    });
  }
  if (b.assemble && b.normalise) {
    lines.push({
      stage: '+ OrderAssembler (core)',
      ms: b.assemble.ms - b.normalise.ms,
      cpuMs: delta(cpu(b.assemble), cpu(b.normalise)),
      rps: rate(b.assemble),
    });
  }
  if (b.hash)
    lines.push({
      stage: 'sha-256 of the file (hashFile, once per import)',
      ms: b.hash.ms,
      cpuMs: cpu(b.hash),
      rps: 0,
    });
  return lines;
}

interface Phase {
  phase: string;
  ms: number;
}

function phases(r: ImportResult): Phase[] {
  const c = r.chunks;
  const rest = r.ms - c.wallMs - r.finalEvalMs;
  return [
    { phase: 'outside the chunk transactions: read, parse, normalise, assemble, hash, batch rows', ms: rest },
    { phase: `chunk transactions (${c.count}): SQL`, ms: c.sqlMs },
    { phase: 'chunk transactions: JS (resolve customers, build rows, aggregates)', ms: c.jsMs },
    { phase: 'chunk transactions: BEGIN/COMMIT', ms: c.commitMs },
    { phase: 'final evaluation (finishBatch + ensureEvaluated → recomputeWorkspace)', ms: r.finalEvalMs },
  ];
}

function renderText(rep: Report): string {
  const m = rep.machine;
  const lines: string[] = [];
  lines.push(`Import benchmark — ${m.date}`);
  lines.push(
    `${m.cpus} CPUs (${m.cpuModel}), ${m.memory}, Node ${m.node}, PostgreSQL ${m.postgres}; load ${m.loadStart} → ${m.loadEnd}`,
  );
  lines.push(
    `file: ${fmtInt(rep.main.rows)} rows, ${(rep.main.gen.bytes / MB).toFixed(0)} MiB cp1251, ${fmtInt(rep.main.gen.distinctCustomers)} customers, ${fmtInt(rep.main.rows - rep.main.gen.goodRows)} bad rows`,
  );
  lines.push('');
  const rows = tableRows(rep);
  const w = Math.max(...rows.map((r) => r.what.length), 10);
  lines.push(
    `${'run'.padEnd(w)}  ${'rows'.padStart(10)}  ${'wall'.padStart(8)}  ${'rows/s'.padStart(8)}  ${'× COPY'.padEnd(22)}  peak RSS`,
  );
  for (const r of rows) {
    lines.push(
      `${r.what.padEnd(w)}  ${fmtInt(r.rows).padStart(10)}  ${fmtSec(r.ms).padStart(8)}  ${fmtRate(r.rps).padStart(8)}  ${r.ratio.padEnd(22)}  ${r.rss}`,
    );
  }
  lines.push('');
  for (const r of rep.runs) {
    const target = TARGETS[r.db];
    const f = flatness(r.result);
    lines.push(
      `${LABEL[r.db]}: ${fmtRate(rate(r.result))} rows/s (target ≥ ${fmtRate(target)}: ${verdict(rate(r.result) >= target)}); ` +
        `RSS by quarter of rows ${f.text}, final evaluation ${r.result.rssFinalEvalMb} MiB (flat: ${verdict(f.flat)})`,
    );
  }
  const bd = breakdownLines(rep);
  if (bd.length > 0) {
    lines.push('');
    lines.push(`Without a database, ${fmtInt(rep.main.rows)} rows:`);
    for (const b of bd)
      lines.push(
        `  ${b.stage.padEnd(50)} ${fmtSec(b.ms).padStart(8)} wall, ${b.cpuMs === null ? '?' : fmtSec(b.cpuMs)} CPU${b.rps ? `  (${fmtRate(b.rps)} rows/s cumulative)` : ''}`,
      );
  }
  for (const r of rep.runs) {
    lines.push('');
    lines.push(`${LABEL[r.db]} importer, where the ${fmtSec(r.result.ms)} went:`);
    for (const p of phases(r.result)) {
      lines.push(
        `  ${p.phase.padEnd(86)} ${fmtSec(p.ms).padStart(8)}  ${((100 * p.ms) / r.result.ms).toFixed(0).padStart(3)} %`,
      );
    }
    lines.push(
      `  chunk transaction: ${fmtSec(r.result.chunks.firstTenthMs)} each in the first tenth, ${fmtSec(r.result.chunks.lastTenthMs)} in the last`,
    );
    lines.push('  top SQL callers:');
    for (const q of r.result.topQueries.slice(0, 8)) {
      lines.push(
        `    ${q.caller.padEnd(60)} ${String(q.calls).padStart(6)} calls ${fmtSec(q.ms).padStart(8)}`,
      );
    }
  }
  if (rep.skipped.length > 0) lines.push('', ...rep.skipped.map((s) => `skipped: ${s}`));
  return lines.join('\n');
}

function renderMarkdown(rep: Report): string {
  const m = rep.machine;
  const g = rep.main.gen;
  const out: string[] = [];
  out.push('## Import');
  out.push('');
  out.push(
    '`npm run bench -- import` (options: `--rows N`, `--pglite-rows N`, `--db pglite,postgres`, `--no-breakdown`, `--no-docs`).',
  );
  out.push('');
  out.push(`- Date: ${m.date}`);
  out.push(`- Machine: ${m.cpus} CPUs (\`nproc\`; ${m.cpuModel}), ${m.memory}, Node ${m.node}`);
  out.push(`- PostgreSQL ${m.postgres} on the same machine${m.pgSettings ? ` (${m.pgSettings})` : ''}`);
  out.push(
    `- Load average (1/5/15 min) at start ${m.loadStart}, at end ${m.loadEnd} — the machine was shared, so wall times are noisy.`,
  );
  out.push(
    `- File: ${fmtInt(g.rows)} rows, ${(g.bytes / MB).toFixed(0)} MiB, Windows-1251, \`;\`, ${fmtInt(g.receipts)} receipts, ${fmtInt(g.distinctCustomers)} customers, ` +
      `${fmtInt(g.rows - g.goodRows)} bad rows (${g.badRows.date} dates, ${g.badRows.amount} amounts, ${g.badRows.phone} phones); generated by \`bench/generate-messy-csv.ts\` (seeded).`,
  );
  out.push(
    "- Floor: `COPY` of the same good rows already clean (ISO timestamps, decimal amounts, E.164 phones; UTF-8 CSV) into a plain table with the same 11 columns and no indexes (`psql \\copy` for PostgreSQL, `COPY … FROM '/dev/blob'` for PGlite).",
  );
  out.push(
    "- Importer: `importFile(db, ws, { kind: 'orders', asOf: '2026-11-23' })` on a fresh database and workspace, in a process of its own; peak RSS sampled every 250 ms.",
  );
  out.push('');
  out.push('| run | rows | wall | rows/s | × COPY | peak RSS |');
  out.push('|---|---:|---:|---:|---|---:|');
  for (const r of tableRows(rep)) {
    out.push(
      `| ${r.what} | ${fmtInt(r.rows)} | ${fmtSec(r.ms)} | ${fmtRate(r.rps)} | ${r.ratio} | ${r.rss} |`,
    );
  }
  out.push('');
  out.push('× COPY = importer wall time / COPY wall time on the same database and the same file.');
  out.push('');
  out.push('### Targets');
  out.push('');
  out.push('| target | measured | |');
  out.push('|---|---|---|');
  for (const r of rep.runs) {
    const t = TARGETS[r.db];
    const rps = rate(r.result);
    const note = r.dataset.rows !== rep.main.rows ? ` (at ${fmtInt(r.dataset.rows)} rows)` : '';
    out.push(
      `| ≥ ${fmtRate(t)} rows/s on ${LABEL[r.db]} | ${fmtRate(rps)} rows/s${note} | ${verdict(rps >= t)} |`,
    );
  }
  for (const r of rep.runs) {
    const f = flatness(r.result);
    out.push(
      `| flat memory on ${LABEL[r.db]} (RSS peak per quarter of the rows; later quarters within ${FLAT_TOLERANCE}× of the first) | ${f.text}; final evaluation ${r.result.rssFinalEvalMb} MiB; baseline after loading modules ${r.result.baseRssMb ?? '?'} MiB | ${verdict(f.flat)} |`,
    );
  }
  const bd = breakdownLines(rep);
  if (bd.length > 0 || rep.runs.length > 0) {
    out.push('');
    out.push('### Where the time goes');
    out.push('');
  }
  if (bd.length > 0) {
    out.push(
      `Without a database (${fmtInt(rep.main.rows)} rows, one process per stage; each stage includes the ones above it):`,
    );
    out.push('');
    out.push('| stage | wall added | CPU added | rows/s so far |');
    out.push('|---|---:|---:|---:|');
    for (const x of bd) {
      out.push(
        `| ${x.stage} | ${fmtSec(x.ms)} | ${x.cpuMs === null ? '–' : fmtSec(x.cpuMs)} | ${x.rps ? fmtRate(x.rps) : '–'} |`,
      );
    }
    out.push('');
    out.push(
      'CPU = user + system time of the process (it includes GC threads); on a busy machine it is the steadier number.',
    );
    out.push('');
  }
  for (const r of rep.runs) {
    out.push(
      `${LABEL[r.db]} importer, ${fmtInt(r.result.rows)} rows in ${fmtSec(r.result.ms)} (every query and transaction timed by a wrapper around \`Database\`):`,
    );
    out.push('');
    out.push('| phase | time | share |');
    out.push('|---|---:|---:|');
    for (const p of phases(r.result))
      out.push(`| ${p.phase} | ${fmtSec(p.ms)} | ${((100 * p.ms) / r.result.ms).toFixed(0)} % |`);
    out.push('');
    out.push(
      `One chunk transaction took ${fmtSec(r.result.chunks.firstTenthMs)} on average in the first tenth of the file and ${fmtSec(r.result.chunks.lastTenthMs)} in the last. ` +
        `Result: ${fmtInt(r.result.summary.ordersCreated)} orders, ${fmtInt(r.result.summary.customersCreated)} customers, ${fmtInt(r.result.summary.rejected)} rejected rows; ` +
        `tables ${Object.entries(r.result.tables)
          .map(([k, v]) => `${k} ${fmtInt(v)}`)
          .join(', ')}; database ${fmtInt(r.result.dbSizeMb)} MiB.`,
    );
    out.push('');
    out.push('| SQL issued by | calls | time |');
    out.push('|---|---:|---:|');
    for (const q of r.result.topQueries.slice(0, 10))
      out.push(`| \`${q.caller}\` | ${fmtInt(q.calls)} | ${fmtSec(q.ms)} |`);
    out.push('');
  }
  if (rep.skipped.length > 0) {
    for (const s of rep.skipped) out.push(`- Skipped: ${s}`);
    out.push('');
  }
  return `${out.join('\n').trimEnd()}\n`;
}

/** Replace the "## Import" section of docs/BENCHMARKS.md (other sections stay as they are). */
async function writeDocs(section: string): Promise<void> {
  let text = existsSync(DOC)
    ? await readFile(DOC, 'utf8')
    : '# Benchmarks\n\nMeasured with `npm run bench` (all benchmarks) or `npm run bench -- <name>`; each section is rewritten by its benchmark.\n';
  const start = text.search(/^## Import\s*$/m);
  if (start < 0) {
    text = `${text.trimEnd()}\n\n${section}`;
  } else {
    const after = text.slice(start + 1).search(/^## /m);
    const end = after < 0 ? text.length : start + 1 + after;
    text = `${text.slice(0, start)}${section}${end < text.length ? `\n${text.slice(end)}` : ''}`;
  }
  await mkdir(join(ROOT, 'docs'), { recursive: true });
  await writeFile(DOC, text);
  // Align the tables the way `biome check docs` wants them.
  try {
    execFileSync(join(ROOT, 'node_modules', '.bin', 'biome'), ['format', '--write', DOC], {
      cwd: ROOT,
      stdio: 'ignore',
    });
  } catch {
    process.stderr.write(
      `could not run biome format on ${relative(ROOT, DOC)}; run \`npx biome format --write docs\`\n`,
    );
  }
}
