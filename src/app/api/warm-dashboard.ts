/**
 * Computes what the dashboard asks for on its first screen before anyone asks: the KPI
 * reports of the default period and the one before it, the monthly trend, cohorts and the
 * segment counts, as an unrestricted user sees them. Run at start and then every minute
 * (src/jobs/dashboard-warm.ts): at 1M customers a report costs seconds, so without this the
 * first visit of the day (new periods), after a start, or after a quiet spell with orders
 * coming in would wait for it. A report whose version has not moved costs one version read;
 * an expensive one that moved is served stale and refreshed in the background by the cache
 * itself, so a tick never holds the job for long.
 */
import { DEFAULT_DASHBOARD_MONTHS, dashboardPeriods } from '../../core/dashboard-periods.ts';
import type { Database } from '../../storage/connect.ts';
import { listWorkspaceIds } from '../../storage/queries/workspaces.ts';
import { operatorOf } from '../auth/first-owner.ts';
import { workspaceContext } from './context.ts';
import { countSegments } from './count-segments.ts';
import { reportCohorts, reportKpis } from './read-reports.ts';

export async function warmDashboard(db: Database, workspaceId: number, now: Date): Promise<void> {
  const { today } = await workspaceContext(db, workspaceId, now);
  const who = operatorOf(workspaceId);
  const p = dashboardPeriods(today, DEFAULT_DASHBOARD_MONTHS);
  await reportKpis(db, who, { ...p.current, asOf: today });
  await reportKpis(db, who, { ...p.previous, asOf: today });
  await reportKpis(db, who, { ...p.trend, asOf: today }, true);
  await reportCohorts(db, who, today);
  await countSegments(db, who);
}

export async function warmDashboards(db: Database, now: Date, only?: readonly number[]): Promise<number> {
  const ids = only ?? (await listWorkspaceIds(db));
  for (const ws of ids) await warmDashboard(db, ws, now);
  return ids.length;
}
