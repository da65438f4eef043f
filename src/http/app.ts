/**
 * The API as a Hono app, built apart from listening (server.ts) so tests call
 * `app.request()` without a port. Every /api route runs as the Principal the auth
 * middleware resolved; routes parse, call one app use-case, and present its result.
 *
 * @example
 *   const api = createApi({ db });
 *   const res = await api.request('/api/customers?q=89123456789', { headers: { Authorization: `Bearer ${token}` } });
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OpenAPIHono } from '@hono/zod-openapi';
import type { Database } from '../app/api/context.ts';
import { ImportJobs } from '../app/api/run-import.ts';
import { authenticate, bearerApiKey, type PrincipalResolver } from './auth.ts';
import type { ApiDeps, ApiEnv } from './env.ts';
import { notFound, onError, validationHook } from './errors.ts';
import { registerCustomerRoutes } from './routes/customers.ts';
import { registerDocs } from './routes/docs.ts';
import { registerImportRoutes } from './routes/imports.ts';
import { registerKeyRoutes } from './routes/keys.ts';
import { registerMergeRoutes } from './routes/merges.ts';
import { registerOrderRoutes } from './routes/orders.ts';
import { registerReportRoutes } from './routes/reports.ts';
import { registerSettingsRoutes } from './routes/settings.ts';

export interface CreateApiOptions {
  db: Database;
  uploadDir?: string;
  jobs?: ImportJobs;
  /** Extra ways to identify a caller, tried before the API key (e.g. a session cookie). */
  resolvers?: PrincipalResolver[];
}

export type Api = OpenAPIHono<ApiEnv>;

export function createApi(options: CreateApiOptions): Api {
  const deps: ApiDeps = {
    db: options.db,
    uploadDir: options.uploadDir ?? join(tmpdir(), 'comeback-uploads'),
    jobs: options.jobs ?? new ImportJobs(),
  };
  const app = new OpenAPIHono<ApiEnv>({ defaultHook: validationHook });
  app.onError(onError);
  app.notFound(notFound);
  // Public: the document and the docs page. Everything registered after this needs a principal.
  registerDocs(app);
  app.use('/api/*', authenticate([...(options.resolvers ?? []), bearerApiKey(deps.db)]));
  registerCustomerRoutes(app, deps);
  registerMergeRoutes(app, deps);
  registerOrderRoutes(app, deps);
  registerImportRoutes(app, deps);
  registerReportRoutes(app, deps);
  registerSettingsRoutes(app, deps);
  registerKeyRoutes(app, deps);
  return app;
}
