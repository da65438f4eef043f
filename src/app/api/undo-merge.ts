/**
 * Undoing a merge: exactly what the merge moved goes back to the merged customer (orders,
 * identifiers, events), the fields it filled on the survivor are cleared if unchanged since,
 * the merged customer is live again and both are re-evaluated. A merge whose survivor was
 * itself merged away since is refused until that later merge is undone.
 */
import { AppError } from '../../core/errors.ts';
import type { Database } from '../../storage/connect.ts';
import { findCustomer } from '../../storage/queries/customer-card.ts';
import { lockCustomers } from '../../storage/queries/customer-edit.ts';
import { insertEvents } from '../../storage/queries/events.ts';
import {
  findMerge,
  markMergeUndone,
  moveEvents,
  moveIdentifiers,
  moveOrders,
  setMergedInto,
  unfillFields,
} from '../../storage/queries/merges.ts';
import { snapshotCustomers, updateCustomers } from '../analytics/customer-aggregates.ts';
import { workspaceContext } from './context.ts';
import { type Principal, requirePermission, visibleManager } from './principal.ts';

export async function undoMerge(
  db: Database,
  principal: Principal,
  mergeId: number,
): Promise<{ mergeId: number; survivorId: number; restoredId: number }> {
  requirePermission(principal, 'customers:merge');
  const ws = principal.workspaceId;
  const { settings, today } = await workspaceContext(db, ws);
  return db.transaction(async (tx) => {
    const merge = await findMerge(tx, ws, mergeId, true);
    if (!merge) throw new AppError('not_found', `no merge ${mergeId}`);
    const { sourceId, targetId, moved } = merge;
    await lockCustomers(tx, ws, [sourceId, targetId]);
    const target = await findCustomer(tx, ws, targetId, visibleManager(principal));
    if (!target) throw new AppError('not_found', `no merge ${mergeId}`);
    if (merge.undoneAt !== null) throw new AppError('conflict', `merge ${mergeId} was already undone`);
    if (target.mergedInto !== null) {
      throw new AppError(
        'conflict',
        `customer ${targetId} was merged into ${target.mergedInto} since; undo that first`,
        {
          merged_into: target.mergedInto,
        },
      );
    }
    await setMergedInto(tx, ws, sourceId, null);
    const before = await snapshotCustomers(tx, ws, [sourceId, targetId]);
    await moveOrders(tx, ws, targetId, sourceId, moved.orders);
    await moveIdentifiers(tx, ws, targetId, sourceId, moved.identifiers);
    await moveEvents(tx, ws, targetId, sourceId, moved.events);
    await unfillFields(tx, ws, targetId, moved.filled, moved.tagsAdded, moved.customAdded);
    await markMergeUndone(tx, ws, mergeId);
    await updateCustomers(tx, ws, before, today, settings);
    await insertEvents(tx, ws, [
      { customerId: targetId, type: 'merge_undone', data: { merge_id: mergeId, restored: sourceId } },
      { customerId: sourceId, type: 'merge_undone', data: { merge_id: mergeId, from: targetId } },
    ]);
    return { mergeId, survivorId: targetId, restoredId: sourceId };
  });
}
