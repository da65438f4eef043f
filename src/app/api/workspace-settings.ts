/** Settings, targets and staff for the API. */
import { KPI_KEYS, type KpiKey } from '../../core/analytics/kpis.ts';
import { isDay } from '../../core/day.ts';
import { isSettingKey, SETTINGS, type SettingKey, type Settings } from '../../core/settings.ts';
import type { Database } from '../../storage/connect.ts';
import type { TargetRow } from '../../storage/queries/analytics.ts';
import { listStaff as loadStaff } from '../../storage/queries/staff.ts';
import { getTargets, removeTarget, setTarget } from '../analytics/read-analytics.ts';
import { getSettings, setSetting } from '../workspace.ts';
import type { FieldProblem } from './context.ts';
import { failIfProblems } from './customer-input.ts';
import { type Principal, requirePermission } from './principal.ts';

export async function readSettings(db: Database, principal: Principal): Promise<Settings> {
  requirePermission(principal, 'settings:read');
  return getSettings(db, principal.workspaceId);
}

/** Validates every key first (all or nothing), then stores them. */
export async function updateSettings(
  db: Database,
  principal: Principal,
  patch: Record<string, unknown>,
): Promise<Settings> {
  requirePermission(principal, 'settings:write');
  const problems: FieldProblem[] = [];
  const valid: [SettingKey, unknown][] = [];
  for (const [key, value] of Object.entries(patch)) {
    if (!isSettingKey(key)) {
      problems.push({ path: key, message: 'unknown setting' });
      continue;
    }
    const parsed = SETTINGS[key].schema.safeParse(value);
    if (!parsed.success) {
      problems.push({
        path: key,
        message: `${parsed.error.issues[0]?.message ?? 'invalid'} (${SETTINGS[key].help})`,
      });
    } else valid.push([key, parsed.data]);
  }
  failIfProblems(problems);
  for (const [key, value] of valid) {
    await setSetting(
      db,
      principal.workspaceId,
      key,
      typeof value === 'string' ? value : JSON.stringify(value),
    );
  }
  return getSettings(db, principal.workspaceId);
}

export async function readTargets(db: Database, principal: Principal): Promise<TargetRow[]> {
  requirePermission(principal, 'reports:read');
  return getTargets(db, principal.workspaceId);
}

/** Replaces the whole set of targets. */
export async function replaceTargets(
  db: Database,
  principal: Principal,
  targets: { metric: string; value: number; deadline: string }[],
): Promise<TargetRow[]> {
  requirePermission(principal, 'targets:write');
  const problems: FieldProblem[] = [];
  targets.forEach((t, i) => {
    if (!(KPI_KEYS as readonly string[]).includes(t.metric)) {
      problems.push({ path: `targets.${i}.metric`, message: `one of ${KPI_KEYS.join(', ')}` });
    }
    if (!isDay(t.deadline)) problems.push({ path: `targets.${i}.deadline`, message: 'a day YYYY-MM-DD' });
    if (!Number.isFinite(t.value)) problems.push({ path: `targets.${i}.value`, message: 'a number' });
  });
  failIfProblems(problems);
  const ws = principal.workspaceId;
  const keep = new Set(targets.map((t) => `${t.metric}@${t.deadline}`));
  for (const old of await getTargets(db, ws)) {
    if (!keep.has(`${old.metric}@${old.deadline}`)) await removeTarget(db, ws, old.metric, old.deadline);
  }
  for (const t of targets) await setTarget(db, ws, t.metric as KpiKey, t.value, t.deadline);
  return getTargets(db, ws);
}

export async function listStaff(db: Database, principal: Principal): Promise<{ id: number; name: string }[]> {
  requirePermission(principal, 'customers:read');
  return loadStaff(db, principal.workspaceId);
}
