import type { Day } from '../../core/day.ts';
import type { Settings } from '../../core/settings.ts';
import type { Database } from '../../storage/connect.ts';
import { todayIn } from '../clock.ts';
import { getSettings } from '../workspace.ts';

export interface WorkspaceContext {
  settings: Settings;
  /** Today in the workspace time zone. */
  today: Day;
}

export async function workspaceContext(
  db: Database,
  workspaceId: number,
  now?: Date,
): Promise<WorkspaceContext> {
  const settings = await getSettings(db, workspaceId);
  return { settings, today: todayIn(settings.timezone, now) };
}

/** A validation failure on named fields (HTTP 422 with `details: [{ path, message }]`). */
export interface FieldProblem {
  path: string;
  message: string;
}

/** The database handle, for layers that may not import storage (http). */
export type { Database } from '../../storage/connect.ts';
