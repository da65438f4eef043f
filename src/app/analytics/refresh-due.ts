/**
 * The daily refresh: what moves with time alone (statuses, recency, RFM quantiles) is
 * re-evaluated once a day per workspace, as of that workspace's own today. Idempotent: a
 * workspace already evaluated for its today is skipped, so a duplicate tick (two processes,
 * a restart) does no double work and logs no duplicate status changes.
 */
import type { Day } from '../../core/day.ts';
import { resolveSettings } from '../../core/settings.ts';
import type { Database } from '../../storage/connect.ts';
import { loadWorkspaceStats } from '../../storage/queries/analytics.ts';
import { reclaimAfterBulkRewrite } from '../../storage/queries/maintenance.ts';
import { dropStoredReportsBefore } from '../../storage/queries/report-versions.ts';
import { loadSettings } from '../../storage/queries/settings.ts';
import { listWorkspaceIds } from '../../storage/queries/workspaces.ts';
import { todayIn } from '../clock.ts';
import { type RecomputeResult, recomputeWorkspace } from './customer-aggregates.ts';

/** Kept reports (report_cache) nobody recomputed for this long go: yesterday's periods, old settings. */
const KEEP_REPORTS_MS = 7 * 24 * 3_600_000;

export async function refreshDueWorkspaces(
  db: Database,
  now: Date,
  only?: readonly number[],
): Promise<{ workspaceId: number; asOf: Day; result: RecomputeResult }[]> {
  const done = [];
  for (const workspaceId of only ?? (await listWorkspaceIds(db))) {
    const settings = resolveSettings(await loadSettings(db, workspaceId));
    const today = todayIn(settings.timezone, now);
    const stats = await loadWorkspaceStats(db, workspaceId);
    if (stats.asOf !== null && stats.asOf >= today) continue;
    await dropStoredReportsBefore(db, workspaceId, new Date(now.getTime() - KEEP_REPORTS_MS));
    done.push({
      workspaceId,
      asOf: today,
      result: await recomputeWorkspace(db, workspaceId, today, settings),
    });
  }
  // Every customer row was rewritten: on the embedded database nothing else reclaims the old versions.
  if (done.length > 0) await reclaimAfterBulkRewrite(db);
  return done;
}
