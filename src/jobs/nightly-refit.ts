/**
 * The nightly refit of the predictive models (issue 5): BG/NBD + Gamma-Gamma, per-customer
 * predictions and recommendations, once per workspace per local night (see refitDueWorkspaces).
 */
import { refitDueWorkspaces } from '../app/analytics/refit.ts';
import type { JobDefinition } from './daily-refresh.ts';

export const nightlyRefit: JobDefinition = {
  id: 'analytics.nightly-refit',
  version: 1,
  // Checked every 10 minutes; the work happens once per workspace night.
  everyMs: 10 * 60_000,
  handler: (db, now, scope) => refitDueWorkspaces(db, now, scope),
};
