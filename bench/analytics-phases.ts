/**
 * `recomputeWorkspace` (src/app/analytics/customer-aggregates.ts) timed step by step: the real
 * function, with a clock read as each of its phases ends.
 */
import { type RecomputePhase, recomputeWorkspace } from '../src/app/analytics/customer-aggregates.ts';
import type { Day } from '../src/core/day.ts';
import type { Settings } from '../src/core/settings.ts';
import type { Database } from '../src/storage/connect.ts';

export type Phases = Record<RecomputePhase, number> & { total: number; customers: number };

export async function recomputePhases(
  db: Database,
  workspaceId: number,
  asOf: Day,
  settings: Settings,
): Promise<Phases> {
  const laps: Record<RecomputePhase, number> = {
    loadPurchases: 0,
    loadCustomers: 0,
    core: 0,
    prepare: 0,
    writeBack: 0,
  };
  const t0 = performance.now();
  let t = t0;
  const result = await recomputeWorkspace(db, workspaceId, asOf, settings, {
    onPhase: (phase) => {
      const now = performance.now();
      laps[phase] = now - t;
      t = now;
    },
  });
  return { ...laps, total: performance.now() - t0, customers: result.customers };
}
