/** Roles and permissions for the web app without zod in its bundle (see src/core/roles.ts). */
export { PERMISSIONS, type Permission, ROLE_PERMISSIONS, ROLES, type Role } from '../../core/roles.ts';
