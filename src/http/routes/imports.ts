/** /api/imports: upload and preview, dry-run, run in the background, progress, rejects. */

import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { findUpload, saveUpload } from '../../app/api/import-uploads.ts';
import { requirePermission } from '../../app/api/principal.ts';
import {
  dryRunImport,
  getImport,
  importRejectsCsv,
  previewUpload,
  type RunOptions,
  startImport,
} from '../../app/api/run-import.ts';
import { MAPPABLE_FIELDS } from '../../core/import/headers.ts';
import { errors, json, Security } from '../contract/common.ts';
import {
  BatchIdParam,
  ImportRunRequest,
  ImportStarted,
  ImportStatus,
  ImportSummary,
  UploadForm,
  UploadIdParam,
  UploadPreview,
} from '../contract/imports.ts';
import type { ApiDeps, ApiEnv } from '../env.ts';

const tags = ['imports'];

const upload = createRoute({
  method: 'post',
  path: '/api/imports',
  tags,
  security: Security,
  summary: 'Upload a CSV/XLSX export: detected format, encoding, delimiter, headers, first rows, mapping',
  request: { body: { required: true, content: { 'multipart/form-data': { schema: UploadForm } } } },
  responses: { 201: json(UploadPreview, 'Stored and read'), ...errors(400, 422) },
});

const dryRun = createRoute({
  method: 'post',
  path: '/api/imports/{uploadId}/dry-run',
  tags,
  security: Security,
  summary: 'Check an upload end to end and report, writing nothing',
  request: {
    params: UploadIdParam,
    body: { required: true, content: { 'application/json': { schema: ImportRunRequest } } },
  },
  responses: { 200: json(ImportSummary, 'What the import would do'), ...errors(400, 404, 422) },
});

const run = createRoute({
  method: 'post',
  path: '/api/imports/{uploadId}/run',
  tags,
  security: Security,
  summary: 'Run an upload in the background; poll GET /api/imports/{batchId}',
  request: {
    params: UploadIdParam,
    body: { required: true, content: { 'application/json': { schema: ImportRunRequest } } },
  },
  responses: { 202: json(ImportStarted, 'Started'), ...errors(400, 404, 422) },
});

const status = createRoute({
  method: 'get',
  path: '/api/imports/{batchId}',
  tags,
  security: Security,
  summary: "An import's progress and, when done, its summary",
  request: { params: BatchIdParam },
  responses: { 200: json(ImportStatus, 'The import'), ...errors(404) },
});

const rejects = createRoute({
  method: 'get',
  path: '/api/imports/{batchId}/rejects.csv',
  tags,
  security: Security,
  summary: 'The rejected rows as CSV: line, column, reason, then the original cells',
  request: { params: BatchIdParam },
  responses: {
    200: { description: 'CSV (UTF-8 with BOM)', content: { 'text/csv': { schema: { type: 'string' } } } },
    ...errors(404),
  },
});

function runOptions(b: {
  kind: 'orders' | 'customers';
  map?: Record<string, string> | undefined;
  date_format?: string | undefined;
  encoding?: 'auto' | 'utf8' | 'cp1251' | undefined;
  delimiter?: 'auto' | ',' | ';' | 'tab' | undefined;
  sheet?: string | undefined;
}): RunOptions {
  return {
    kind: b.kind,
    ...(b.map ? { map: b.map } : {}),
    ...(b.date_format ? { dateFormat: b.date_format } : {}),
    ...(b.encoding ? { encoding: b.encoding } : {}),
    ...(b.delimiter ? { delimiter: b.delimiter } : {}),
    ...(b.sheet ? { sheet: b.sheet } : {}),
  };
}

export function registerImportRoutes(app: OpenAPIHono<ApiEnv>, deps: ApiDeps): void {
  const { db, uploadDir, jobs } = deps;

  app.openapi(upload, async (c) => {
    const principal = c.get('principal');
    requirePermission(principal, 'imports:write');
    const form = c.req.valid('form');
    const stored = await saveUpload(uploadDir, principal.workspaceId, form.file.name, form.file.stream());
    const p = await previewUpload(
      principal,
      await findUpload(uploadDir, principal.workspaceId, stored.uploadId),
      {
        ...(form.kind ? { kind: form.kind } : {}),
        ...(form.encoding ? { encoding: form.encoding } : {}),
        ...(form.delimiter ? { delimiter: form.delimiter } : {}),
        ...(form.sheet ? { sheet: form.sheet } : {}),
      },
    );
    return c.json(
      {
        upload_id: p.upload.uploadId,
        file_name: p.upload.fileName,
        bytes: p.upload.bytes,
        format: p.format,
        encoding: p.encoding,
        delimiter: p.delimiter,
        sheet: p.sheet,
        headers: p.headers,
        rows: p.rows,
        kind: p.kind,
        mapping: p.mapping,
        ignored_columns: p.ignored,
        mapping_error: p.mappingError,
        fields: { orders: [...MAPPABLE_FIELDS.orders], customers: [...MAPPABLE_FIELDS.customers] },
      },
      201,
    );
  });

  app.openapi(dryRun, async (c) => {
    const { uploadId } = c.req.valid('param');
    const summary = await dryRunImport(
      db,
      c.get('principal'),
      uploadDir,
      uploadId,
      runOptions(c.req.valid('json')),
    );
    return c.json(summary, 200);
  });

  app.openapi(run, async (c) => {
    const { uploadId } = c.req.valid('param');
    const { batchId } = await startImport(
      db,
      c.get('principal'),
      jobs,
      uploadDir,
      uploadId,
      runOptions(c.req.valid('json')),
    );
    c.header('Location', `/api/imports/${batchId}`);
    return c.json({ batch_id: batchId, status: 'running' }, 202);
  });

  app.openapi(status, async (c) => {
    const { batchId } = c.req.valid('param');
    const s = await getImport(db, c.get('principal'), jobs, batchId);
    const b = s.batch;
    return c.json(
      {
        batch_id: b.id,
        kind: b.kind,
        file_name: b.fileName,
        status: b.status,
        rows: b.rows,
        imported: b.imported,
        skipped: b.skipped,
        rejected: b.rejectedCount,
        customers_created: b.customersCreated,
        customers_matched: b.customersMatched,
        started_at: b.startedAt,
        finished_at: b.finishedAt,
        progress: s.progress
          ? { bytes_read: s.progress.bytesRead, bytes: s.progress.bytes, rows: s.progress.rows }
          : null,
        error: s.error,
        summary: s.summary,
      },
      200,
    );
  });

  app.openapi(rejects, async (c) => {
    const { batchId } = c.req.valid('param');
    const csv = await importRejectsCsv(db, c.get('principal'), batchId);
    return c.body(csv, 200, {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="import-${batchId}-rejects.csv"`,
    });
  });
}
