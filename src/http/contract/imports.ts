import { z } from '@hono/zod-openapi';
import { DateTimeString } from './common.ts';

const readOptions = {
  encoding: z.enum(['auto', 'utf8', 'cp1251']).optional(),
  delimiter: z.enum(['auto', ',', ';', 'tab']).optional(),
  sheet: z.string().max(200).optional(),
};

export const ImportKind = z.enum(['orders', 'customers']);

export const UploadForm = z
  .object({
    file: z
      .custom<File>((v) => typeof File !== 'undefined' && v instanceof File, 'a file')
      .openapi({ type: 'string', format: 'binary' }),
    kind: ImportKind.optional().openapi({ description: 'guessed from the headers when not given' }),
    ...readOptions,
  })
  .openapi('ImportUpload');

export const UploadPreview = z
  .object({
    upload_id: z.string(),
    file_name: z.string(),
    bytes: z.number().int(),
    format: z.enum(['csv', 'xlsx']),
    encoding: z.string().nullable(),
    delimiter: z.string().nullable(),
    sheet: z.string().nullable(),
    headers: z.array(z.string()),
    rows: z.array(z.array(z.string())).openapi({ description: 'the first 10 data rows' }),
    kind: ImportKind,
    mapping: z
      .record(z.string(), z.string())
      .nullable()
      .openapi({ description: 'field → header recognised; null when the columns could not be matched' }),
    ignored_columns: z.array(z.string()),
    mapping_error: z.string().nullable(),
    fields: z
      .object({ orders: z.array(z.string()), customers: z.array(z.string()) })
      .openapi({ description: 'the fields a column can be mapped to, per kind, in reading order' }),
  })
  .openapi('ImportPreview');

export const ImportRunRequest = z
  .object({
    kind: ImportKind,
    map: z
      .record(z.string(), z.string())
      .optional()
      .openapi({ description: 'field → header text (or 1-based column number); wins over recognition' }),
    date_format: z.enum(['auto', 'DD.MM.YYYY', 'MM/DD/YYYY', 'YYYY-MM-DD']).optional(),
    ...readOptions,
  })
  .openapi('ImportRunRequest');

export const UploadIdParam = z.object({
  uploadId: z.string().openapi({ param: { name: 'uploadId', in: 'path' }, example: '0b7d…' }),
});

export const BatchIdParam = z.object({
  batchId: z.coerce
    .number()
    .int()
    .positive()
    .openapi({ param: { name: 'batchId', in: 'path' }, example: 12 }),
});

export const ImportSummary = z
  .object({
    batch_id: z.number().int().nullable(),
    kind: ImportKind,
    file: z.string(),
    format: z.enum(['csv', 'xlsx']),
    encoding: z.string().nullable(),
    delimiter: z.string().nullable(),
    sheet: z.string().nullable(),
    columns: z.record(z.string(), z.string()),
    ignored_columns: z.array(z.string()),
    date_format: z.string(),
    dry_run: z.boolean(),
    resumed_from_line: z.number().int().nullable(),
    rows: z.number().int(),
    imported: z.number().int(),
    skipped: z.number().int(),
    rejected: z.array(
      z.object({ line: z.number().int(), column: z.string().nullable(), reason: z.string() }),
    ),
    customers_created: z.number().int(),
    customers_matched: z.number().int(),
    orders_created: z.number().int(),
    orders_without_customer: z.number().int(),
  })
  .openapi('ImportSummary');

export const ImportStarted = z
  .object({ batch_id: z.number().int(), status: z.string() })
  .openapi('ImportStarted');

export const ImportStatus = z
  .object({
    batch_id: z.number().int(),
    kind: z.string(),
    file_name: z.string(),
    status: z.enum(['running', 'completed', 'failed']).or(z.string()),
    rows: z.number().int(),
    imported: z.number().int(),
    skipped: z.number().int(),
    rejected: z.number().int(),
    customers_created: z.number().int(),
    customers_matched: z.number().int(),
    started_at: DateTimeString,
    finished_at: DateTimeString.nullable(),
    progress: z
      .object({ bytes_read: z.number().int(), bytes: z.number().int(), rows: z.number().int() })
      .nullable()
      .openapi({ description: 'while running in this server process' }),
    error: z.object({ code: z.string(), message: z.string() }).nullable(),
    summary: ImportSummary.nullable(),
  })
  .openapi('ImportStatus');
