/**
 * Roles and what each may do: one table for the server's checks (src/app/api/principal.ts), the
 * API contract and the web app (through src/http/contract/roles.ts, which keeps zod out of the
 * bundle), so the settings pages offer exactly what the server allows.
 */
export const ROLES = ['owner', 'marketer', 'manager', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  'customers:read',
  'customers:write',
  'customers:merge',
  'orders:write',
  'imports:write',
  'reports:read',
  'targets:write',
  'settings:read',
  'settings:write',
  'keys:manage',
  'users:manage',
  'audit:read',
  'segments:write',
  'campaigns:write',
  'webhooks:manage',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** What each role may do; an API key may be narrowed further by scopes, never widened. */
export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  owner: PERMISSIONS,
  marketer: [
    'customers:read',
    'customers:write',
    'customers:merge',
    'orders:write',
    'imports:write',
    'reports:read',
    'targets:write',
    'settings:read',
    'segments:write',
    'campaigns:write',
  ],
  manager: ['customers:read', 'customers:write', 'reports:read', 'settings:read'],
  viewer: ['customers:read', 'reports:read', 'settings:read'],
};
