import type { Database } from '../../storage/connect.ts';
import { loadSettings } from '../../storage/queries/settings.ts';
import { workspaceCounts } from '../../storage/queries/summary.ts';
import type { DemoResult } from './load-demo.ts';

/** The same summary the demo prints, for a workspace that already has data. */
export async function workspaceCountsOf(db: Database, workspaceId: number): Promise<DemoResult> {
  const settings = await loadSettings(db, workspaceId);
  const counts = await workspaceCounts(db, workspaceId);
  return {
    name: typeof settings.business_name === 'string' ? settings.business_name : 'Workspace',
    asOf: counts.lastOrderOn ?? '',
    seed: null,
    customersCreated: 0,
    ordersCreated: 0,
    ...counts,
  };
}
