/**
 * From a signed-in user to the Principal a request runs as: their membership of the workspace
 * they chose (the `X-Workspace-Id` header) or of their first workspace.
 */
import type { Database } from '../../storage/connect.ts';
import { membershipsOf } from '../../storage/queries/users.ts';
import { AccessError } from '../api/access-error.ts';
import type { Principal, Role } from '../api/principal.ts';

export async function principalForUser(
  db: Database,
  userId: number,
  requestedWorkspaceId: number | null,
): Promise<Principal> {
  const memberships = await membershipsOf(db, userId);
  if (memberships.length === 0) throw new AccessError('forbidden', 'this user belongs to no workspace');
  const m =
    requestedWorkspaceId === null
      ? memberships[0]!
      : memberships.find((x) => x.workspaceId === requestedWorkspaceId);
  if (!m)
    throw new AccessError('forbidden', `this user is not a member of workspace ${requestedWorkspaceId}`);
  return {
    workspaceId: m.workspaceId,
    userId,
    role: m.role as Role,
    managerStaffId: m.staffId,
    keyId: null,
    scopes: null,
  };
}
