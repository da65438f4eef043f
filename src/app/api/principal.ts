/**
 * Who is calling: every API request runs as one Principal, resolved once by the HTTP layer
 * (today from an API key; later from a user session). Use-cases check permissions here
 * and pass `visibleManager` down to the queries, so a manager's restriction lives in the
 * SQL, not in the routes.
 */
import { type Permission, ROLE_PERMISSIONS, type Role } from '../../core/roles.ts';
import { AccessError } from './access-error.ts';

export { PERMISSIONS, type Permission, ROLES, type Role } from '../../core/roles.ts';

export interface Principal {
  workspaceId: number;
  /** The signed-in user; null for an integration key. */
  userId: number | null;
  role: Role;
  /** For a manager: the staff member whose customers they see (customers.manager_id). */
  managerStaffId: number | null;
  /** The API key used, when the request came with one. */
  keyId: number | null;
  /** Narrows the role's permissions (null = all of them). */
  scopes: readonly Permission[] | null;
}

export function permissionsOf(role: Role): readonly Permission[] {
  return ROLE_PERMISSIONS[role];
}

export function can(p: Principal, permission: Permission): boolean {
  if (!ROLE_PERMISSIONS[p.role].includes(permission)) return false;
  return p.scopes === null || p.scopes.includes(permission);
}

/** Throws `forbidden` unless the principal holds the permission. */
export function requirePermission(p: Principal, permission: Permission): void {
  if (!can(p, permission)) {
    throw new AccessError(
      'forbidden',
      `the ${p.role} role${p.scopes ? ' (scoped key)' : ''} cannot ${permission}`,
    );
  }
}

/**
 * The manager filter every customer query applies: the staff id whose customers are visible,
 * or null for "all customers". A manager without a staff id sees nobody (-1 matches no row).
 */
export function visibleManager(p: Principal): number | null {
  if (p.role !== 'manager') return null;
  return p.managerStaffId ?? -1;
}
