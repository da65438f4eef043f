/**
 * Every successful change through the API goes to the audit log: who (user or key), what
 * (the OpenAPI operation, e.g. "PATCH /api/customers/{id}"), on which entity (the path's id)
 * and with which fields (the JSON body, secrets redacted). Runs after the route; a failure to
 * record is reported on stderr and never turns a done change into an error.
 */
import type { Context, MiddlewareHandler } from 'hono';
import type { Database } from '../app/api/context.ts';
import { recordChange } from '../app/auth/audit-log.ts';
import type { ApiEnv } from './env.ts';

const CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Hono's "/api/customers/:id" back to the OpenAPI "/api/customers/{id}". */
export function operationPath(routePath: string): string {
  return routePath.replace(/:([A-Za-z0-9_]+)(\{[^}]*\})?/g, '{$1}');
}

async function bodyOf(c: Context): Promise<unknown> {
  const type = c.req.header('content-type') ?? '';
  if (type.includes('application/json')) {
    try {
      return await c.req.raw.clone().json();
    } catch {
      return undefined;
    }
  }
  // Uploaded files are not copied into the log; that an upload happened is.
  if (type.includes('multipart/form-data')) return { upload: 'multipart/form-data' };
  return undefined;
}

export function auditChanges(db: Database): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    if (!CHANGING.has(c.req.method)) return next();
    const body = await bodyOf(c);
    await next();
    const status = c.res.status;
    const principal = c.get('principal');
    if (status >= 400 || !principal) return;
    const params = c.req.param() as Record<string, string>;
    const entityId = params.id ?? Object.values(params).at(-1) ?? null;
    try {
      await recordChange(db, {
        principal,
        action: `${c.req.method} ${operationPath(c.req.routePath)}`,
        entityId,
        status,
        body,
        ipAddress:
          c.req.header('x-forwarded-for')?.split(',')[0]?.trim() || c.req.header('x-real-ip') || null,
      });
    } catch (e) {
      process.stderr.write(
        `audit: could not record ${c.req.method} ${c.req.path}: ${e instanceof Error ? e.message : String(e)}\n`,
      );
    }
  };
}
