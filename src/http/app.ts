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
import { AuthService } from '../app/auth/auth-service.ts';
import { auditChanges } from './audit.ts';
import {
  authenticate,
  bearerApiKey,
  csrfGuard,
  mountAuth,
  type PrincipalResolver,
  sessionCookie,
} from './auth.ts';
import type { ApiDeps, ApiEnv } from './env.ts';
import { notFound, onError, validationHook } from './errors.ts';
import { registerAuditRoutes } from './routes/audit.ts';
import { registerCustomerRoutes } from './routes/customers.ts';
import { registerDocs } from './routes/docs.ts';
import { registerImportRoutes } from './routes/imports.ts';
import { registerKeyRoutes } from './routes/keys.ts';
import { registerMergeRoutes } from './routes/merges.ts';
import {
  type MessagingDeps,
  registerMessagingRoutes,
  registerPublicMessagingRoutes,
} from './routes/messaging.ts';
import { registerNoteRoutes } from './routes/notes.ts';
import { registerOrderRoutes } from './routes/orders.ts';
import { registerPredictionRoutes } from './routes/predictions.ts';
import { registerReportRoutes } from './routes/reports.ts';
import { registerSavedSegmentRoutes } from './routes/saved-segments.ts';
import { registerSettingsRoutes } from './routes/settings.ts';
import { registerUserRoutes } from './routes/users.ts';
import { registerWebhookRoutes } from './routes/webhooks.ts';

export interface CreateApiOptions {
  db: Database;
  uploadDir?: string;
  jobs?: ImportJobs;
  /** Extra ways to identify a caller, tried before the session cookie and the API key. */
  resolvers?: PrincipalResolver[];
  /** Public origins (e.g. https://crm.example.com) trusted besides the request's own Host, for sign-in and CSRF. */
  publicOrigins?: string[];
  /**
   * Messaging (channels, campaigns, consents, and the public tracking/unsubscribe/callback
   * routes). Its `db` defaults to `db`. Without it the messaging routes are not mounted
   * (the served app always passes it: src/http/server.ts).
   */
  messaging?: Omit<MessagingDeps, 'db'> & { db?: MessagingDeps['db'] };
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
  // The same object, not a copy: the served app sets `publicUrl` once it knows its port.
  const messaging = options.messaging ?? null;
  if (messaging) messaging.db ??= options.db;
  // Public: the document and the docs page. Everything registered after this needs a principal.
  registerDocs(app);
  // Public but signed: provider callbacks (/api/callbacks/…), click and open tracking (/t/…),
  // unsubscribe (/u/…). Before the auth middleware: providers and mail clients carry no API key.
  if (messaging) registerPublicMessagingRoutes(app, messaging as MessagingDeps);
  // The CSRF guard of cookie requests (better-auth's own endpoints included); sign-in, sign-out
  // and the session (better-auth); then the principal (cookie or API key) and the audit log.
  app.use('/api/*', csrfGuard(options.publicOrigins ?? []));
  const auth = new AuthService(deps.db, { trustedOrigins: options.publicOrigins ?? [] });
  mountAuth(app, auth, deps.db);
  app.use(
    '/api/*',
    authenticate([...(options.resolvers ?? []), sessionCookie(auth, deps.db), bearerApiKey(deps.db)]),
  );
  app.use('/api/*', auditChanges(deps.db));
  registerCustomerRoutes(app, deps);
  registerMergeRoutes(app, deps);
  registerOrderRoutes(app, deps);
  registerImportRoutes(app, deps);
  registerReportRoutes(app, deps);
  registerSettingsRoutes(app, deps);
  registerKeyRoutes(app, deps);
  registerUserRoutes(app, deps, auth);
  registerAuditRoutes(app, deps);
  registerPredictionRoutes(app, deps);
  registerSavedSegmentRoutes(app, deps);
  registerNoteRoutes(app, deps);
  registerWebhookRoutes(app, deps);
  if (messaging) registerMessagingRoutes(app, messaging as MessagingDeps);
  return app;
}
