/**
 * Merging a duplicate into the customer who stays: orders, identifiers and events move to
 * the survivor, its empty fields are filled from the duplicate, and the duplicate is hidden
 * (merged_into). Everything that moved is recorded on the merge so undo can put it back.
 * Both customers' aggregates are re-evaluated in the same transaction.
 */
import { AppError } from '../../core/errors.ts';
import type { Database, Sql } from '../../storage/connect.ts';
import { type CustomerRecord, findCustomer } from '../../storage/queries/customer-card.ts';
import { lockCustomers, updateCustomerFields } from '../../storage/queries/customer-edit.ts';
import { insertEvents } from '../../storage/queries/events.ts';
import {
  insertMerge,
  type MergeMoved,
  moveEvents,
  moveIdentifiers,
  moveOrders,
  setMergedInto,
} from '../../storage/queries/merges.ts';
import { snapshotCustomers, updateCustomers } from '../analytics/customer-aggregates.ts';
import { workspaceContext } from './context.ts';
import { type Principal, requirePermission, visibleManager } from './principal.ts';

export interface MergeResult {
  mergeId: number;
  survivorId: number;
  mergedId: number;
  moved: MergeMoved;
}

const FILLABLE = [
  ['name', 'name'],
  ['birthday', 'birthday'],
  ['gender', 'gender'],
  ['need', 'need'],
  ['source', 'source'],
  ['preferredChannel', 'preferred_channel'],
  ['managerId', 'manager_id'],
] as const;

async function live(sql: Sql, principal: Principal, id: number, what: string): Promise<CustomerRecord> {
  const c = await findCustomer(sql, principal.workspaceId, id, visibleManager(principal));
  if (!c) throw new AppError('not_found', `no customer ${id}`);
  if (c.mergedInto !== null) {
    throw new AppError('conflict', `${what} ${id} was already merged into ${c.mergedInto}`, {
      merged_into: c.mergedInto,
    });
  }
  return c;
}

export async function mergeCustomers(
  db: Database,
  principal: Principal,
  sourceId: number,
  targetId: number,
): Promise<MergeResult> {
  requirePermission(principal, 'customers:merge');
  if (sourceId === targetId) {
    throw new AppError('validation_failed', 'a customer cannot be merged into itself', [
      { path: 'into', message: 'must differ from the merged customer' },
    ]);
  }
  const ws = principal.workspaceId;
  const { settings, today } = await workspaceContext(db, ws);
  return db.transaction(async (tx) => {
    await lockCustomers(tx, ws, [sourceId, targetId]);
    const source = await live(tx, principal, sourceId, 'customer');
    const target = await live(tx, principal, targetId, 'target customer');
    const before = await snapshotCustomers(tx, ws, [sourceId, targetId]);

    const orders = await moveOrders(tx, ws, sourceId, targetId);
    const identifiers = await moveIdentifiers(tx, ws, sourceId, targetId);
    const events = await moveEvents(tx, ws, sourceId, targetId);

    // The survivor keeps its own values; only empty fields are filled.
    const filled: Record<string, unknown> = {};
    const fields: Record<string, unknown> = {};
    for (const [key, column] of FILLABLE) {
      if (target[key] === null && source[key] !== null) {
        filled[column] = source[key];
        fields[key] = source[key];
      }
    }
    const tagsAdded = source.tags.filter((t) => !target.tags.includes(t));
    if (tagsAdded.length > 0) fields.tags = [...target.tags, ...tagsAdded];
    const customAdded: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(source.custom)) if (!(k in target.custom)) customAdded[k] = v;
    if (Object.keys(customAdded).length > 0) fields.custom = { ...target.custom, ...customAdded };
    await updateCustomerFields(tx, ws, targetId, fields);

    // Re-evaluate while the duplicate is still live, so its own status history stays true.
    await updateCustomers(tx, ws, before, today, settings);
    await setMergedInto(tx, ws, sourceId, targetId);
    const moved: MergeMoved = { orders, identifiers, events, filled, tagsAdded, customAdded };
    const mergeId = await insertMerge(tx, ws, { sourceId, targetId, moved });
    await insertEvents(tx, ws, [
      {
        customerId: targetId,
        type: 'merged',
        data: { merge_id: mergeId, from: sourceId, orders: orders.length, identifiers: identifiers.length },
      },
      { customerId: sourceId, type: 'merged_into', data: { merge_id: mergeId, into: targetId } },
    ]);
    return { mergeId, survivorId: targetId, mergedId: sourceId, moved };
  });
}
