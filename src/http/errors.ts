/**
 * The one place error codes become HTTP statuses, and the one error shape:
 * `{ error: { code, message, details } }`.
 */
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ZodError } from 'zod';
import { AccessError, type AccessErrorCode } from '../app/api/access-error.ts';
import { tableProblem } from '../app/api/import-uploads.ts';
import { AppError, type ErrorCode } from '../core/errors.ts';

export const HTTP_STATUS: Readonly<Record<ErrorCode | AccessErrorCode | 'internal', ContentfulStatusCode>> = {
  bad_usage: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  file_not_found: 404,
  conflict: 409,
  validation_failed: 422,
  unsupported_format: 422,
  sheet_not_found: 422,
  empty_file: 422,
  bad_encoding: 422,
  malformed_csv: 422,
  mapping_failed: 422,
  data_dir_locked: 503,
  database_unavailable: 503,
  internal: 500,
};

export interface ErrorJson {
  error: { code: string; message: string; details: unknown };
}

export function errorJson(code: string, message: string, details: unknown = null): ErrorJson {
  return { error: { code, message, details: details ?? null } };
}

/** The app's error handler: known errors keep their code; anything else is a 500 `internal`. */
export function onError(err: Error, c: Context): Response {
  const e = tableProblem(err);
  if (e instanceof AppError) return c.json(errorJson(e.code, e.message, e.details), HTTP_STATUS[e.code]);
  if (e instanceof AccessError) {
    if (e.code === 'unauthorized') c.header('WWW-Authenticate', 'Bearer');
    return c.json(errorJson(e.code, e.message), HTTP_STATUS[e.code]);
  }
  if (err instanceof HTTPException) {
    // Hono's own refusals: malformed JSON (400), unsupported media type (415), body too large (413).
    const status = err.status as ContentfulStatusCode;
    return c.json(
      errorJson(status === 401 ? 'unauthorized' : 'bad_usage', err.message || 'malformed request'),
      status,
    );
  }
  process.stderr.write(`internal error on ${c.req.method} ${c.req.path}: ${err.stack ?? err.message}\n`);
  return c.json(errorJson('internal', 'internal error'), 500);
}

/** zod issues as `[{ path: 'lines.0.amount', message }]`. */
export function fieldProblems(error: ZodError): { path: string; message: string }[] {
  return error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
}

/** Request validation failures (body, query, params, headers) → 422 with field paths. */
export function validationHook(
  result: { success: true } | { success: false; error: ZodError; target: string },
  c: Context,
): Response | undefined {
  if (result.success) return undefined;
  const details = fieldProblems(result.error);
  const message = details.map((d) => `${d.path || result.target}: ${d.message}`).join('; ');
  return c.json(errorJson('validation_failed', message, details), 422);
}

export function notFound(c: Context): Response {
  return c.json(errorJson('not_found', `no route ${c.req.method} ${c.req.path}`), 404);
}
