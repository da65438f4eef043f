/** Creating a customer by hand or from an integration; identifiers must be free. */
import type { Database } from '../../storage/connect.ts';
import { insertCustomer } from '../../storage/queries/customer-edit.ts';
import { insertEvents } from '../../storage/queries/events.ts';
import { insertIdentifiers } from '../../storage/queries/identifiers.ts';
import type { FieldProblem } from './context.ts';
import { workspaceContext } from './context.ts';
import {
  type CustomerInput,
  checkIdentifierOwners,
  checkManager,
  failIfProblems,
  identifiersOfInput,
} from './customer-input.ts';
import { type Principal, requirePermission } from './principal.ts';

export async function createCustomer(
  db: Database,
  principal: Principal,
  input: CustomerInput,
): Promise<number> {
  requirePermission(principal, 'customers:write');
  const ws = principal.workspaceId;
  const { settings } = await workspaceContext(db, ws);
  const problems: FieldProblem[] = [];
  const keys = identifiersOfInput(input, settings.country, problems);
  // A manager's new customer is theirs.
  const managerId =
    principal.role === 'manager' ? (input.managerId ?? principal.managerStaffId) : input.managerId;
  await checkManager(db, principal, managerId, problems);
  failIfProblems(problems);
  return db.transaction(async (tx) => {
    await checkIdentifierOwners(tx, principal, keys, null);
    const id = await insertCustomer(tx, ws, {
      name: input.name,
      birthday: input.birthday,
      gender: input.gender,
      need: input.need,
      source: input.source,
      preferredChannel: input.preferredChannel,
      managerId,
      tags: input.tags ? [...new Set(input.tags)] : undefined,
      custom: input.custom,
    });
    const notBound = await insertIdentifiers(
      tx,
      ws,
      keys.map((k) => ({ ...k, customerId: id })),
    );
    // Taken by a concurrent request between the check and the insert.
    if (notBound.length > 0) await checkIdentifierOwners(tx, principal, notBound, id);
    await insertEvents(tx, ws, [
      { customerId: id, type: 'created', data: { via: 'api', key: principal.keyId } },
    ]);
    return id;
  });
}
