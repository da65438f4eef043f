/** Keeps the dashboard's first-screen reports computed (src/app/api/warm-dashboard.ts). */
import { warmDashboards } from '../app/api/warm-dashboard.ts';
import type { JobDefinition } from './daily-refresh.ts';

export const dashboardWarm: JobDefinition = {
  id: 'reports.dashboard-warm',
  version: 1,
  // Orders move the reports all day; a minute bounds how old a served report can be on a busy
  // big workspace, at the cost of one version read per report on a quiet one.
  everyMs: 60_000,
  handler: (db, now, scope) => warmDashboards(db, now, scope),
};
