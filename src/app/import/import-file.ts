/**
 * Import a CSV/XLSX export of orders or customers, streaming, in chunks.
 *
 * Each chunk commits in one transaction together with the batch checkpoint (the last
 * source line whose effects are in), so a crash (even kill -9) leaves the database
 * consistent, and running the same import again resumes after the checkpoint; orders are
 * keyed by their identity (`x:` external id, or `c:` content key), so nothing is
 * duplicated either way. A dry run does the same work inside one transaction and rolls
 * it back.
 */
import { basename } from 'node:path';
import type { Day } from '../../core/day.ts';
import { AppError } from '../../core/errors.ts';
import { detectMapping, type ImportKind } from '../../core/import/headers.ts';
import {
  type AssembledOrder,
  type ImportContext,
  normalizeCustomerRow,
  normalizeOrderRow,
  OrderAssembler,
  type OrderRow,
} from '../../core/import/rows.ts';
import { type DateOrder, detectDateOrder } from '../../core/import/values.ts';
import { resolveSettings } from '../../core/settings.ts';
import type { Database, Sql } from '../../storage/connect.ts';
import { markWorkspaceStale } from '../../storage/queries/analytics.ts';
import {
  type BatchCounters,
  createBatch,
  findUnfinishedBatch,
  finishBatch,
  newCounters,
  type RejectRow,
} from '../../storage/queries/import-batches.ts';
import { loadSettings } from '../../storage/queries/settings.ts';
import { recomputeWorkspace } from '../analytics/customer-aggregates.ts';
import { todayIn } from '../clock.ts';
import { ChunkWriter } from './chunk-writer.ts';
import { hashFile, openTable, type TableRow } from './read-table.ts';
import type { PersonInput } from './resolve-customers.ts';

export interface ImportOptions {
  kind: ImportKind;
  path: string;
  /** field → header text (or 1-based column number) */
  map?: Record<string, string>;
  encoding?: 'auto' | 'utf8' | 'cp1251';
  delimiter?: 'auto' | ',' | ';' | 'tab';
  dateFormat?: string;
  sheet?: string;
  dryRun?: boolean;
  /** The day customer statuses are evaluated for; default today in the workspace zone. */
  asOf?: Day;
  /** Rows per transaction. */
  chunkSize?: number;
  onProgress?: (p: { bytesRead: number; bytes: number; rows: number }) => void;
  /** Test hook: called after each committed chunk with its checkpoint line. */
  afterChunk?: (lastLine: number) => void | Promise<void>;
}

export interface ImportSummary {
  batch_id: number | null;
  kind: ImportKind;
  file: string;
  format: 'csv' | 'xlsx';
  encoding: string | null;
  delimiter: string | null;
  sheet: string | null;
  columns: Record<string, string>;
  ignored_columns: string[];
  date_format: string;
  dry_run: boolean;
  resumed_from_line: number | null;
  rows: number;
  imported: number;
  skipped: number;
  rejected: { line: number; column: string | null; reason: string }[];
  customers_created: number;
  customers_matched: number;
  orders_created: number;
  orders_without_customer: number;
}

const DATE_FORMATS: Record<string, DateOrder> = {
  'DD.MM.YYYY': 'DMY',
  'DD/MM/YYYY': 'DMY',
  'MM/DD/YYYY': 'MDY',
  'M/D/YYYY': 'MDY',
  'YYYY-MM-DD': 'YMD',
  DMY: 'DMY',
  MDY: 'MDY',
  YMD: 'YMD',
};

/** Date-order sample size: enough rows to see a day > 12 in an ambiguous M/D file. */
const SAMPLE_ROWS = 2000;

class DryRunRollback extends Error {}

export async function importFile(
  db: Database,
  workspaceId: number,
  opts: ImportOptions,
): Promise<ImportSummary> {
  const settings = resolveSettings(await loadSettings(db, workspaceId));
  const asOf = opts.asOf ?? todayIn(settings.timezone);
  const table = await openTable(opts.path, {
    encoding: opts.encoding ?? 'auto',
    delimiter: opts.delimiter ?? 'auto',
    ...(opts.sheet ? { sheet: opts.sheet } : {}),
  });
  const mapping = detectMapping(table.headers, opts.kind, opts.map ?? {});
  if (!mapping.ok) throw new AppError('mapping_failed', mapping.error, { headers: table.headers });
  const columns = mapping.value.columns as Record<string, number>;

  // Look at the first rows before deciding how to read ambiguous dates (1/9/2011).
  const iterator = table.rows[Symbol.asyncIterator]();
  const sample: TableRow[] = [];
  while (sample.length < SAMPLE_ROWS) {
    const next = await iterator.next();
    if (next.done) break;
    sample.push(next.value);
  }
  const dateOrder = chooseDateOrder(opts.dateFormat ?? settings.date_format, sample, columns);
  const ctx: ImportContext = {
    timeZone: settings.timezone,
    country: settings.country,
    dateOrder,
    excelSerial: table.format === 'xlsx',
    today: asOf,
  };
  async function* allRows(): AsyncGenerator<TableRow> {
    yield* sample;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield next.value;
    }
  }

  const summaryBase = {
    kind: opts.kind,
    file: basename(opts.path),
    format: table.format,
    encoding: table.encoding,
    delimiter: table.delimiter === '\t' ? 'tab' : table.delimiter,
    sheet: table.sheet,
    columns: Object.fromEntries(
      Object.entries(columns).map(([f, i]) => [f, table.headers[i] ?? `#${i + 1}`]),
    ),
    ignored_columns: mapping.value.ignored,
    date_format: dateOrder,
    dry_run: Boolean(opts.dryRun),
  };

  const run = async (sql: Sql, tx: 'per-chunk' | 'single') => {
    let batchId: number | null = null;
    let resumeLine = 1;
    const counters: BatchCounters = newCounters();
    if (!opts.dryRun) {
      const fileHash = await hashFile(opts.path);
      const unfinished = await findUnfinishedBatch(db, workspaceId, opts.kind, fileHash);
      if (unfinished) {
        batchId = unfinished.id;
        resumeLine = unfinished.lastLine;
        Object.assign(counters, unfinished);
      } else {
        batchId = await createBatch(db, workspaceId, {
          kind: opts.kind,
          fileName: basename(opts.path),
          fileHash,
          options: { map: opts.map ?? {}, dateOrder, sheet: table.sheet },
        });
      }
    }
    const importer = new ChunkWriter(db, sql, tx, workspaceId, batchId, counters, settings, asOf, 'deferred');
    const chunkSize = opts.chunkSize ?? 5000;
    const rejects: RejectRow[] = [];
    let rowsSinceCheckpoint = 0;
    let lastProgress = 0;
    const progress = () => {
      const now = Date.now();
      if (opts.onProgress && now - lastProgress > 200) {
        lastProgress = now;
        opts.onProgress({
          bytesRead: table.bytesRead(),
          bytes: table.bytes,
          rows: counters.rows + rowsSinceCheckpoint,
        });
      }
    };

    if (opts.kind === 'orders') {
      const assembler = new OrderAssembler();
      let pending: AssembledOrder[] = [];
      let lastLine = resumeLine;
      let previous: OrderRow | null = null;
      for await (const row of allRows()) {
        lastLine = Math.max(lastLine, row.line);
        const res = normalizeOrderRow(row.cells, row.line, columns, ctx, previous);
        if (res.ok) previous = res.value;
        if (row.line <= resumeLine) {
          // Already committed by the interrupted run. Still pass the row through the assembler:
          // content keys count identical orders from the start of the file.
          if (res.ok) assembler.push(res.value);
          continue;
        }
        if (!res.ok) {
          rejects.push(rejectOf(row, res.error));
          rowsSinceCheckpoint++;
          progress();
          continue;
        }
        const done = assembler.push(res.value).filter((o) => o.lastLine > resumeLine);
        rowsSinceCheckpoint++;
        if (done.length > 0) {
          pending.push(...done);
          // The current row opened a new order, so every line before it is accounted for.
          if (pending.length >= chunkSize) {
            await importer.writeOrders(pending, rejects, row.line - 1, rowsSinceCheckpoint - 1);
            await opts.afterChunk?.(row.line - 1);
            pending = [];
            rejects.length = 0;
            rowsSinceCheckpoint = 1;
          }
        }
        progress();
      }
      pending.push(...assembler.flush());
      await importer.writeOrders(pending, rejects, lastLine, rowsSinceCheckpoint);
    } else {
      let pending: PersonInput[] = [];
      let lastLine = resumeLine;
      for await (const row of allRows()) {
        if (row.line <= resumeLine) continue;
        lastLine = row.line;
        const res = normalizeCustomerRow(row.cells, row.line, columns, ctx);
        rowsSinceCheckpoint++;
        if (!res.ok) {
          rejects.push(rejectOf(row, res.error));
        } else {
          const c = res.value;
          pending.push({
            line: row.line,
            keys: {
              external: c.externalId,
              phone: c.phone,
              email: c.email,
              telegram: c.telegram,
              whatsapp: c.whatsapp,
              vk: c.vk,
              max: c.max,
            },
            profile: {
              name: c.name,
              birthday: c.birthday,
              gender: c.gender,
              source: c.source,
              need: c.need,
              preferredChannel: c.preferredChannel,
              tags: c.tags,
            },
            managerName: c.manager,
          } as PersonInput & { managerName: string | null });
        }
        if (pending.length >= chunkSize) {
          await importer.writeCustomers(pending, rejects, lastLine, rowsSinceCheckpoint);
          await opts.afterChunk?.(lastLine);
          pending = [];
          rejects.length = 0;
          rowsSinceCheckpoint = 0;
        }
        progress();
      }
      await importer.writeCustomers(pending, rejects, lastLine, rowsSinceCheckpoint);
    }
    if (batchId !== null) await finishBatch(db, workspaceId, batchId, 'completed');
    return { batchId, resumeLine, counters, importer };
  };

  let out: Awaited<ReturnType<typeof run>>;
  if (opts.dryRun) {
    let captured: Awaited<ReturnType<typeof run>> | undefined;
    try {
      await db.transaction(async (sql) => {
        captured = await run(sql, 'single');
        throw new DryRunRollback();
      });
    } catch (e) {
      if (!(e instanceof DryRunRollback)) throw e;
    }
    out = captured!;
  } else {
    // Until the evaluation below is done, the daily job treats the workspace as due, so
    // an import cut off half way is evaluated even if it is never run again.
    await markWorkspaceStale(db, workspaceId);
    out = await run(db, 'per-chunk');
    await recomputeWorkspace(db, workspaceId, asOf, settings);
  }
  const { counters, importer } = out;
  return {
    batch_id: out.batchId,
    ...summaryBase,
    resumed_from_line: out.resumeLine > 1 ? out.resumeLine : null,
    rows: counters.rows,
    imported: counters.imported,
    skipped: counters.skipped,
    rejected: importer.allRejects.map((r) => ({ line: r.line, column: r.column, reason: r.reason })),
    customers_created: counters.customersCreated,
    customers_matched: counters.customersMatched,
    orders_created: importer.ordersCreated,
    orders_without_customer: importer.ordersWithoutCustomer,
  };
}

function chooseDateOrder(setting: string, sample: TableRow[], columns: Record<string, number>): DateOrder {
  const fixed = DATE_FORMATS[setting];
  if (fixed) return fixed;
  if (setting !== 'auto') {
    throw new AppError(
      'bad_usage',
      `unknown --date-format ${setting}: use auto, DD.MM.YYYY, MM/DD/YYYY or YYYY-MM-DD`,
    );
  }
  const col = columns.ordered_at ?? columns.birthday ?? columns.created_at;
  if (col === undefined) return 'DMY';
  const values = sample.map((r) => r.cells[col] ?? '').filter((v) => v.trim() !== '');
  return detectDateOrder(values) ?? 'DMY';
}

/** A rejected row as stored with its batch: the raw cells joined by U+241F (␟, unit separator). */
function rejectOf(row: TableRow, error: { column: string; reason: string }): RejectRow {
  return { line: row.line, column: error.column, reason: error.reason, raw: row.cells.join('\u241f') };
}
