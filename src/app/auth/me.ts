/** "Who am I here": what the web app needs to show the user and hide what their role may not do. */
import type { Database } from '../../storage/connect.ts';
import { findApiKey } from '../../storage/queries/api-keys.ts';
import { listStaff } from '../../storage/queries/staff.ts';
import { findUser, membershipsOf, workspaceName } from '../../storage/queries/users.ts';
import { can, PERMISSIONS, type Permission, type Principal, type Role } from '../api/principal.ts';

export interface Me {
  user: { id: number; email: string; name: string } | null;
  key: { id: number; name: string } | null;
  role: Role;
  managerStaff: { id: number; name: string } | null;
  workspace: { id: number; name: string };
  /** Every workspace the user may switch to (X-Workspace-Id). */
  workspaces: { id: number; name: string; role: string }[];
  permissions: Permission[];
}

export async function getMe(db: Database, p: Principal): Promise<Me> {
  const [user, key, name, memberships, staff] = await Promise.all([
    p.userId === null ? null : findUser(db, p.userId),
    p.keyId === null ? null : findApiKey(db, p.workspaceId, p.keyId),
    workspaceName(db, p.workspaceId),
    p.userId === null ? [] : membershipsOf(db, p.userId),
    p.managerStaffId === null ? [] : listStaff(db, p.workspaceId),
  ]);
  const staffName = staff.find((s) => s.id === p.managerStaffId)?.name ?? null;
  return {
    user: user ? { id: user.id, email: user.email, name: user.name } : null,
    key: key ? { id: key.id, name: key.name } : null,
    role: p.role,
    managerStaff:
      p.managerStaffId === null ? null : { id: p.managerStaffId, name: staffName ?? `#${p.managerStaffId}` },
    workspace: { id: p.workspaceId, name: name ?? String(p.workspaceId) },
    workspaces:
      memberships.length > 0
        ? memberships.map((m) => ({ id: m.workspaceId, name: m.workspaceName, role: m.role }))
        : [{ id: p.workspaceId, name: name ?? String(p.workspaceId), role: p.role }],
    permissions: PERMISSIONS.filter((perm) => can(p, perm)),
  };
}
