/**
 * Saved segments: named rule sets anyone who reads customers can use, that owners and
 * marketers (segments:write) create, change and delete. Counts and members are computed
 * from the rules on each read, within the caller's visibility: a manager sees how many of
 * their own customers a segment holds.
 */
import { AppError } from '../../core/errors.ts';
import { parseRuleSet, type RuleSet } from '../../core/segments/rules.ts';
import type { Database, Sql } from '../../storage/connect.ts';
import { countCustomers, customerIds } from '../../storage/queries/customer-list.ts';
import {
  countSavedSegments,
  deleteSavedSegment,
  findSavedSegment,
  findSavedSegmentByName,
  insertSavedSegment,
  listSavedSegments,
  type SavedSegmentRow,
  updateSavedSegment,
} from '../../storage/queries/saved-segments.ts';
import { workspaceContext } from '../api/context.ts';
import { type Principal, requirePermission, visibleManager } from '../api/principal.ts';

/** Enough for any business; a runaway script is stopped before it fills the table. */
export const MAX_SEGMENTS = 500;

export interface SavedSegment {
  id: number;
  name: string;
  description: string | null;
  rules: RuleSet;
  createdBy: number | null;
  createdAt: string;
  updatedAt: string;
  /** Customers matching now (within the caller's visibility), when counted. */
  count: number | null;
}

function present(r: SavedSegmentRow, count: number | null = null): SavedSegment {
  return { ...r, rules: parseRuleSet(r.rules), count };
}

/** A stored segment's rules; `not_found` when the workspace has no such segment. */
export async function loadSegmentRules(sql: Sql, workspaceId: number, id: number): Promise<RuleSet> {
  const row = await findSavedSegment(sql, workspaceId, id);
  if (!row) throw new AppError('not_found', `no saved segment ${id}`);
  return parseRuleSet(row.rules);
}

async function countRules(db: Database, principal: Principal, rules: RuleSet, asOf: string): Promise<number> {
  return countCustomers(db, principal.workspaceId, {
    visibleManager: visibleManager(principal),
    rules: [{ set: rules, asOf }],
  });
}

export async function listSegments(
  db: Database,
  principal: Principal,
  opts: { counts: boolean },
): Promise<SavedSegment[]> {
  requirePermission(principal, 'customers:read');
  const rows = await listSavedSegments(db, principal.workspaceId);
  if (!opts.counts) return rows.map((r) => present(r));
  const { today } = await workspaceContext(db, principal.workspaceId);
  const out: SavedSegment[] = [];
  // One at a time: each count is a scan, and parallel scans would only queue on PGlite.
  for (const r of rows) {
    const s = present(r);
    out.push({ ...s, count: await countRules(db, principal, s.rules, today) });
  }
  return out;
}

export async function getSegment(db: Database, principal: Principal, id: number): Promise<SavedSegment> {
  requirePermission(principal, 'customers:read');
  const row = await findSavedSegment(db, principal.workspaceId, id);
  if (!row) throw new AppError('not_found', `no saved segment ${id}`);
  const s = present(row);
  const { today } = await workspaceContext(db, principal.workspaceId);
  return { ...s, count: await countRules(db, principal, s.rules, today) };
}

/** How many customers a rule set matches now: the builder's live preview. */
export async function previewRules(db: Database, principal: Principal, rules: unknown): Promise<number> {
  requirePermission(principal, 'customers:read');
  const set = parseRuleSet(rules);
  const { today } = await workspaceContext(db, principal.workspaceId);
  return countRules(db, principal, set, today);
}

export interface SegmentInput {
  name: string;
  description?: string | null | undefined;
  rules: unknown;
}

function cleanName(name: string): string {
  const n = name.trim();
  if (n === '' || n.length > 200) {
    throw new AppError('validation_failed', 'name: 1 to 200 characters', [
      { path: 'name', message: '1 to 200 characters' },
    ]);
  }
  return n;
}

async function refuseTakenName(
  db: Database,
  workspaceId: number,
  name: string,
  except?: number,
): Promise<void> {
  const taken = await findSavedSegmentByName(db, workspaceId, name);
  if (taken && taken.id !== except) {
    throw new AppError('conflict', `a segment named "${name}" exists`, { segment_id: taken.id });
  }
}

export async function createSegment(
  db: Database,
  principal: Principal,
  input: SegmentInput,
): Promise<SavedSegment> {
  requirePermission(principal, 'segments:write');
  const ws = principal.workspaceId;
  const name = cleanName(input.name);
  const rules = parseRuleSet(input.rules);
  if ((await countSavedSegments(db, ws)) >= MAX_SEGMENTS) {
    throw new AppError('conflict', `a workspace keeps at most ${MAX_SEGMENTS} saved segments`);
  }
  await refuseTakenName(db, ws, name);
  try {
    const row = await insertSavedSegment(db, ws, {
      name,
      description: input.description?.trim() || null,
      rules,
      createdBy: principal.userId,
    });
    return getSegment(db, principal, row.id);
  } catch (e) {
    // Two creates with one name at once: the unique index decides.
    if (/saved_segments_name_idx|duplicate key/.test(String((e as Error).message))) {
      throw new AppError('conflict', `a segment named "${name}" exists`);
    }
    throw e;
  }
}

export async function updateSegment(
  db: Database,
  principal: Principal,
  id: number,
  patch: Partial<SegmentInput>,
): Promise<SavedSegment> {
  requirePermission(principal, 'segments:write');
  const ws = principal.workspaceId;
  const name = patch.name === undefined ? undefined : cleanName(patch.name);
  const rules = patch.rules === undefined ? undefined : parseRuleSet(patch.rules);
  if (name !== undefined) await refuseTakenName(db, ws, name, id);
  const row = await updateSavedSegment(db, ws, id, {
    ...(name !== undefined ? { name } : {}),
    ...(patch.description !== undefined ? { description: patch.description?.trim() || null } : {}),
    ...(rules !== undefined ? { rules } : {}),
  });
  if (!row) throw new AppError('not_found', `no saved segment ${id}`);
  return getSegment(db, principal, id);
}

export async function deleteSegment(db: Database, principal: Principal, id: number): Promise<void> {
  requirePermission(principal, 'segments:write');
  if (!(await deleteSavedSegment(db, principal.workspaceId, id))) {
    throw new AppError('not_found', `no saved segment ${id}`);
  }
}

/**
 * The audience of a saved segment for a campaign: ids of the customers it matches now,
 * ascending, within the principal's visibility (a manager gets only their own customers).
 * Requires customers:read; `not_found` when the segment does not exist in the workspace.
 */
export async function resolveSegmentCustomerIds(
  db: Database,
  principal: Principal,
  segmentId: number,
): Promise<number[]> {
  requirePermission(principal, 'customers:read');
  const rules = await loadSegmentRules(db, principal.workspaceId, segmentId);
  const { today } = await workspaceContext(db, principal.workspaceId);
  return customerIds(db, principal.workspaceId, {
    visibleManager: visibleManager(principal),
    rules: [{ set: rules, asOf: today }],
  });
}
