/**
 * Imports from the API: preview an upload (format, encoding, delimiter, headers, first rows,
 * the recognised mapping), dry-run it, or run it in the background with progress — the run
 * goes through `importFile`, so resume, chunking and rejects are the CLI's.
 */

import { AppError } from '../../core/errors.ts';
import type { ImportKind } from '../../core/import/headers.ts';
import { detectMapping } from '../../core/import/headers.ts';
import type { Database } from '../../storage/connect.ts';
import {
  type BatchRow,
  createBatch,
  findUnfinishedBatch,
  finishBatch,
  getBatch,
  listRejects,
} from '../../storage/queries/import-batches.ts';
import { type ImportOptions, type ImportSummary, importFile } from '../import/import-file.ts';
import { hashFile, openTable } from '../import/read-table.ts';
import { findUpload, type StoredUpload, tableProblem } from './import-uploads.ts';
import { type Principal, requirePermission } from './principal.ts';

export interface ReadOptions {
  encoding?: 'auto' | 'utf8' | 'cp1251';
  delimiter?: 'auto' | ',' | ';' | 'tab';
  sheet?: string;
}

export interface RunOptions extends ReadOptions {
  kind: ImportKind;
  map?: Record<string, string>;
  dateFormat?: string;
}

export interface UploadPreview {
  upload: StoredUpload;
  format: 'csv' | 'xlsx';
  encoding: string | null;
  delimiter: string | null;
  sheet: string | null;
  headers: string[];
  rows: string[][];
  kind: ImportKind;
  /** field → header, or null when the columns could not be recognised. */
  mapping: Record<string, string> | null;
  ignored: string[];
  mappingError: string | null;
}

const PREVIEW_ROWS = 10;

async function rethrowTable<T>(p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (e) {
    throw tableProblem(e);
  }
}

/** What the file looks like and how its columns would be read; `kind` is guessed when not given. */
export async function previewUpload(
  principal: Principal,
  upload: StoredUpload,
  opts: ReadOptions & { kind?: ImportKind; map?: Record<string, string> },
): Promise<UploadPreview> {
  requirePermission(principal, 'imports:write');
  return rethrowTable(
    (async () => {
      const table = await openTable(upload.path, {
        encoding: opts.encoding ?? 'auto',
        delimiter: opts.delimiter ?? 'auto',
        ...(opts.sheet ? { sheet: opts.sheet } : {}),
      });
      const rows: string[][] = [];
      try {
        for await (const row of table.rows) {
          rows.push(row.cells);
          if (rows.length >= PREVIEW_ROWS) break;
        }
      } finally {
        await table.close();
      }
      const kinds: ImportKind[] = opts.kind ? [opts.kind] : ['orders', 'customers'];
      let chosen: ImportKind = kinds[0]!;
      let mapping: Record<string, string> | null = null;
      let ignored: string[] = [];
      let mappingError: string | null = null;
      for (const kind of kinds) {
        const m = detectMapping(table.headers, kind, opts.map ?? {});
        if (m.ok) {
          chosen = kind;
          mapping = Object.fromEntries(
            Object.entries(m.value.columns).map(([f, i]) => [
              f,
              table.headers[i as number] ?? `#${(i as number) + 1}`,
            ]),
          );
          ignored = m.value.ignored;
          mappingError = null;
          break;
        }
        mappingError ??= m.error;
      }
      return {
        upload,
        format: table.format,
        encoding: table.encoding,
        delimiter: table.delimiter === '\t' ? 'tab' : table.delimiter,
        sheet: table.sheet,
        headers: table.headers,
        rows,
        kind: chosen,
        mapping,
        ignored,
        mappingError,
      };
    })(),
  );
}

function importOptions(upload: StoredUpload, opts: RunOptions, dryRun: boolean): ImportOptions {
  return {
    kind: opts.kind,
    path: upload.path,
    map: opts.map ?? {},
    encoding: opts.encoding ?? 'auto',
    delimiter: opts.delimiter ?? 'auto',
    ...(opts.dateFormat ? { dateFormat: opts.dateFormat } : {}),
    ...(opts.sheet ? { sheet: opts.sheet } : {}),
    dryRun,
  };
}

export async function dryRunImport(
  db: Database,
  principal: Principal,
  uploadDir: string,
  uploadId: string,
  opts: RunOptions,
): Promise<ImportSummary> {
  requirePermission(principal, 'imports:write');
  const upload = await findUpload(uploadDir, principal.workspaceId, uploadId);
  return rethrowTable(importFile(db, principal.workspaceId, importOptions(upload, opts, true)));
}

interface Job {
  progress: { bytesRead: number; bytes: number; rows: number } | null;
  summary: ImportSummary | null;
  error: { code: string; message: string } | null;
  done: Promise<void>;
}

/** Imports running in this process, by workspace and batch. */
export class ImportJobs {
  private readonly jobs = new Map<string, Job>();

  get(workspaceId: number, batchId: number): Job | undefined {
    return this.jobs.get(`${workspaceId}:${batchId}`);
  }

  set(workspaceId: number, batchId: number, job: Job): void {
    this.jobs.set(`${workspaceId}:${batchId}`, job);
  }

  /** Resolves when every job started so far has ended (tests, shutdown). */
  async idle(): Promise<void> {
    await Promise.all([...this.jobs.values()].map((j) => j.done));
  }
}

/**
 * Starts a run in the background and returns its batch id at once. The mapping is checked
 * first, so a file whose columns cannot be read fails here, not later. Starting the same
 * file again while it runs returns the running batch; an interrupted batch of the same file
 * is resumed.
 */
export async function startImport(
  db: Database,
  principal: Principal,
  jobs: ImportJobs,
  uploadDir: string,
  uploadId: string,
  opts: RunOptions,
): Promise<{ batchId: number }> {
  requirePermission(principal, 'imports:write');
  const ws = principal.workspaceId;
  const upload = await findUpload(uploadDir, ws, uploadId);
  const preview = await previewUpload(principal, upload, { ...opts, kind: opts.kind });
  if (preview.mapping === null) {
    throw new AppError('mapping_failed', preview.mappingError ?? 'the columns could not be recognised', {
      headers: preview.headers,
    });
  }
  const fileHash = await hashFile(upload.path);
  // importFile resumes the unfinished batch of this file: creating it here gives its id now.
  const unfinished = await findUnfinishedBatch(db, ws, opts.kind, fileHash);
  if (unfinished && jobs.get(ws, unfinished.id)) return { batchId: unfinished.id };
  const batchId =
    unfinished?.id ??
    (await createBatch(db, ws, {
      kind: opts.kind,
      fileName: upload.fileName,
      fileHash,
      options: { map: opts.map ?? {}, via: 'api', upload: uploadId },
    }));
  const job: Job = { progress: null, summary: null, error: null, done: Promise.resolve() };
  job.done = importFile(db, ws, {
    ...importOptions(upload, opts, false),
    onProgress: (p) => {
      job.progress = p;
    },
  }).then(
    (summary) => {
      job.summary = summary;
    },
    async (e: unknown) => {
      const err = tableProblem(e);
      job.error = {
        code: err instanceof AppError ? err.code : 'internal',
        message: err instanceof Error ? err.message : String(err),
      };
      await finishBatch(db, ws, batchId, 'failed').catch(() => {});
    },
  );
  jobs.set(ws, batchId, job);
  return { batchId };
}

export interface ImportStatus {
  batch: BatchRow;
  progress: { bytesRead: number; bytes: number; rows: number } | null;
  summary: ImportSummary | null;
  error: { code: string; message: string } | null;
}

export async function getImport(
  db: Database,
  principal: Principal,
  jobs: ImportJobs,
  batchId: number,
): Promise<ImportStatus> {
  requirePermission(principal, 'imports:write');
  const batch = await getBatch(db, principal.workspaceId, batchId);
  if (!batch) throw new AppError('not_found', `no import ${batchId}`);
  const job = jobs.get(principal.workspaceId, batchId);
  // The batch row says completed before the run's last step (evaluation) is over.
  const finishing = job !== undefined && job.summary === null && job.error === null;
  return {
    batch: finishing ? { ...batch, status: 'running' } : batch,
    progress: job?.progress ?? null,
    summary: job?.summary ?? null,
    error: job?.error ?? null,
  };
}

function csvCell(v: string | number | null): string {
  const s = v === null ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** The rejected rows of an import as CSV (UTF-8 with BOM): line, column, reason, then the row's cells. */
export async function importRejectsCsv(db: Database, principal: Principal, batchId: number): Promise<string> {
  requirePermission(principal, 'imports:write');
  const batch = await getBatch(db, principal.workspaceId, batchId);
  if (!batch) throw new AppError('not_found', `no import ${batchId}`);
  const rows = await listRejects(db, principal.workspaceId, batchId);
  const lines = [['line', 'column', 'reason', 'row'].join(',')];
  for (const r of rows) {
    const cells = r.raw === null ? [] : r.raw.split('\u241f');
    lines.push([r.line, r.column, r.reason, ...cells].map(csvCell).join(','));
  }
  return `\ufeff${lines.join('\r\n')}\r\n`;
}
