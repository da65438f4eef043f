/**
 * API keys. The secret is shown once, at creation; only its SHA-256 is stored. The token
 * names its workspace and key id (`cbk_<workspace>_<id>_<secret>`), so authentication is a
 * primary-key lookup and a constant-time hash comparison.
 */
import { createHash, randomBytes } from 'node:crypto';
import { AppError } from '../../core/errors.ts';
import type { Database } from '../../storage/connect.ts';
import { type ApiKeyRow, insertApiKey } from '../../storage/queries/api-keys.ts';
import { staffExists } from '../../storage/queries/staff.ts';
import {
  PERMISSIONS,
  type Permission,
  type Principal,
  permissionsOf,
  ROLES,
  type Role,
  requirePermission,
} from './principal.ts';

export interface ApiKeyInput {
  name: string;
  role: Role;
  managerStaffId?: number | null;
  userId?: number | null;
  scopes?: Permission[] | null;
}

export interface CreatedApiKey {
  key: ApiKeyRow;
  /** The bearer token; not stored anywhere, shown once. */
  token: string;
}

export const TOKEN_PREFIX = 'cbk';

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** Creates a key as the given principal (needs keys:manage). */
export async function createApiKey(
  db: Database,
  principal: Principal,
  input: ApiKeyInput,
): Promise<CreatedApiKey> {
  requirePermission(principal, 'keys:manage');
  return mintApiKey(db, principal.workspaceId, input);
}

/**
 * Creates a key with no caller check: for the first key of a workspace (the CLI) and tests.
 * The HTTP layer never calls this directly.
 */
export async function mintApiKey(
  db: Database,
  workspaceId: number,
  input: ApiKeyInput,
): Promise<CreatedApiKey> {
  const problems: { path: string; message: string }[] = [];
  if (!ROLES.includes(input.role)) problems.push({ path: 'role', message: `one of ${ROLES.join(', ')}` });
  const managerStaffId = input.managerStaffId ?? null;
  if (input.role === 'manager') {
    if (managerStaffId === null) {
      problems.push({
        path: 'manager_staff_id',
        message: 'a manager key needs the staff member it acts for',
      });
    } else if (!(await staffExists(db, workspaceId, managerStaffId))) {
      problems.push({ path: 'manager_staff_id', message: `no staff member ${managerStaffId}` });
    }
  } else if (managerStaffId !== null) {
    problems.push({ path: 'manager_staff_id', message: 'only a manager key has a staff member' });
  }
  const scopes = input.scopes ?? null;
  if (scopes) {
    const allowed = ROLES.includes(input.role) ? permissionsOf(input.role) : [];
    scopes.forEach((s, i) => {
      if (!(PERMISSIONS as readonly string[]).includes(s)) {
        problems.push({ path: `scopes.${i}`, message: `unknown scope "${s}"` });
      } else if (!allowed.includes(s)) {
        problems.push({ path: `scopes.${i}`, message: `the ${input.role} role has no ${s}` });
      }
    });
  }
  if (problems.length > 0) throw new AppError('validation_failed', 'the key is not valid', problems);
  const secret = randomBytes(24).toString('base64url');
  const key = await insertApiKey(db, workspaceId, {
    name: input.name,
    secretHash: hashSecret(secret),
    role: input.role,
    managerStaffId,
    userId: input.userId ?? null,
    scopes,
  });
  return { key, token: `${TOKEN_PREFIX}_${workspaceId}_${key.id}_${secret}` };
}
