/**
 * Bulk actions on the customer list: assign a manager, add or remove a tag — on a selection
 * of ids or on everything a filter (the list's filters, a saved segment, inline rules)
 * matches. customers:write; a manager acts only on their own customers (the visibility is in
 * the UPDATE's WHERE, so other ids in a selection are silently out of reach, exactly as in
 * the list) and may assign only to themself, as on the card.
 */
import { AppError } from '../../core/errors.ts';
import type { Database } from '../../storage/connect.ts';
import { applyBulkChange, type BulkChange } from '../../storage/queries/bulk.ts';
import { countCustomers } from '../../storage/queries/customer-list.ts';
import type { FieldProblem } from '../api/context.ts';
import { checkManager, failIfProblems } from '../api/customer-input.ts';
import { type Principal, requirePermission } from '../api/principal.ts';
import { type CustomerFilters, resolveCustomerFilter } from '../api/search-customers.ts';

/** A selection bigger than this should be a filter. */
export const MAX_BULK_IDS = 10_000;

export type BulkTarget = { ids: number[] } | { filter: CustomerFilters };

export interface BulkResult {
  /** Customers the target selected (within visibility). */
  matched: number;
  /** Of those, how many actually changed (the rest already were so). */
  changed: number;
}

export async function bulkUpdateCustomers(
  db: Database,
  principal: Principal,
  target: BulkTarget,
  change: BulkChange,
): Promise<BulkResult> {
  requirePermission(principal, 'customers:write');
  if ('ids' in target && target.ids.length > MAX_BULK_IDS) {
    throw new AppError('validation_failed', `ids: at most ${MAX_BULK_IDS}; use a filter for more`, [
      { path: 'ids', message: `at most ${MAX_BULK_IDS}` },
    ]);
  }
  if (change.action === 'assign_manager') {
    const problems: FieldProblem[] = [];
    await checkManager(db, principal, change.managerId, problems);
    failIfProblems(problems);
  }
  const { filter } = await resolveCustomerFilter(db, principal, 'ids' in target ? {} : target.filter);
  const scoped = 'ids' in target ? { ...filter, ids: target.ids } : filter;
  return db.transaction(async (tx) => {
    const matched = await countCustomers(tx, principal.workspaceId, scoped);
    const changed = await applyBulkChange(tx, principal.workspaceId, scoped, change, {
      via: 'bulk',
      key: principal.keyId,
      user: principal.userId,
      action: change.action,
      fields: [change.action === 'assign_manager' ? 'managerId' : 'tags'],
      ...(change.action === 'assign_manager' ? { manager_id: change.managerId } : { tag: change.tag }),
    });
    return { matched, changed };
  });
}

export type { BulkChange };
