/**
 * Job definitions: a fixed id and version, and a handler that calls one app use-case.
 * The scheduler runs them in the serving process; every handler is idempotent.
 */
import { refreshDueWorkspaces } from '../app/analytics/refresh-due.ts';
import type { Database } from '../app/workspace.ts';

export interface JobDefinition {
  id: string;
  version: number;
  /** How often the scheduler checks whether work is due. */
  everyMs: number;
  /** `scope`: only these workspaces (the process serves them); undefined = every workspace. */
  handler(db: Database, now: Date, scope?: readonly number[]): Promise<unknown>;
}

export const dailyRefresh: JobDefinition = {
  id: 'analytics.daily-refresh',
  version: 1,
  // Checked every 10 minutes; each workspace is refreshed once per its own calendar day.
  everyMs: 10 * 60_000,
  handler: (db, now, scope) => refreshDueWorkspaces(db, now, scope),
};
