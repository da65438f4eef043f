/** Changing a customer's fields and identifiers; a conflicting identifier is refused with its owner. */
import type { Database } from '../../storage/connect.ts';
import { deleteIdentifiers, updateCustomerFields } from '../../storage/queries/customer-edit.ts';
import { insertEvents } from '../../storage/queries/events.ts';
import { insertIdentifiers } from '../../storage/queries/identifiers.ts';
import { type FieldProblem, workspaceContext } from './context.ts';
import {
  type CustomerInput,
  checkIdentifierOwners,
  checkManager,
  failIfProblems,
  type IdentifierInput,
  identifiersOfInput,
  normalizeIdentifier,
} from './customer-input.ts';
import { visibleCustomer } from './get-customer-card.ts';
import { type Principal, requirePermission } from './principal.ts';

export interface CustomerPatch extends CustomerInput {
  removeIdentifiers?: IdentifierInput[];
}

export async function updateCustomer(
  db: Database,
  principal: Principal,
  id: number,
  patch: CustomerPatch,
): Promise<void> {
  requirePermission(principal, 'customers:write');
  const ws = principal.workspaceId;
  await visibleCustomer(db, principal, id);
  const { settings } = await workspaceContext(db, ws);
  const problems: FieldProblem[] = [];
  const add = identifiersOfInput(patch, settings.country, problems);
  const remove: IdentifierInput[] = [];
  patch.removeIdentifiers?.forEach((r, i) => {
    const v = normalizeIdentifier(r.kind, r.value, settings.country);
    if (typeof v === 'string') remove.push({ kind: r.kind, value: v });
    else problems.push({ path: `remove_identifiers.${i}.value`, message: v.error });
  });
  if (patch.managerId !== undefined) await checkManager(db, principal, patch.managerId, problems);
  failIfProblems(problems);
  const fields = {
    name: patch.name,
    birthday: patch.birthday,
    gender: patch.gender,
    need: patch.need,
    source: patch.source,
    preferredChannel: patch.preferredChannel,
    managerId: patch.managerId,
    tags: patch.tags ? [...new Set(patch.tags)] : undefined,
    custom: patch.custom,
  };
  const changed = Object.entries(fields)
    .filter(([, v]) => v !== undefined)
    .map(([k]) => k);
  await db.transaction(async (tx) => {
    await checkIdentifierOwners(tx, principal, add, id);
    await updateCustomerFields(tx, ws, id, fields);
    const removed = await deleteIdentifiers(tx, ws, id, remove);
    const notBound = await insertIdentifiers(
      tx,
      ws,
      add.map((k) => ({ ...k, customerId: id })),
    );
    // Already this customer's (ON CONFLICT kept the row) or taken concurrently.
    if (notBound.length > 0) await checkIdentifierOwners(tx, principal, notBound, id);
    if (changed.length > 0 || add.length > 0 || removed > 0) {
      await insertEvents(tx, ws, [
        {
          customerId: id,
          type: 'updated',
          data: {
            via: 'api',
            key: principal.keyId,
            fields: changed,
            identifiers_added: add,
            identifiers_removed: remove,
          },
        },
      ]);
    }
  });
}
