/**
 * Who is signed in. The session itself is better-auth's httpOnly cookie, which this code never
 * sees: the browser sends it with every same-origin request. Here live only the caller as
 * GET /api/me describes them (shared through MeContext so pages can hide what the role may not
 * do; the server enforces it anyway) and the workspace chosen by someone who belongs to several.
 */
import { createContext, useContext } from 'react';
import type { MeView, PermissionName } from './api-auth.ts';

const WORKSPACE_KEY = 'comeback.workspaceId';

/** The workspace picked in the user menu (sent as X-Workspace-Id), or null for the default. */
export function getWorkspaceId(): string | null {
  try {
    return localStorage.getItem(WORKSPACE_KEY);
  } catch {
    return null;
  }
}

export function setWorkspaceId(id: number | null): void {
  try {
    if (id === null) localStorage.removeItem(WORKSPACE_KEY);
    else localStorage.setItem(WORKSPACE_KEY, String(id));
  } catch {
    // storage disabled: the default workspace it is
  }
}

/** Headers every API request carries besides the cookie. */
export function authHeaders(): Record<string, string> {
  const ws = getWorkspaceId();
  return ws ? { 'X-Workspace-Id': ws } : {};
}

export const MeContext = createContext<MeView | null>(null);

export function useMe(): MeView {
  const me = useContext(MeContext);
  if (!me) throw new Error('useMe outside the signed-in app');
  return me;
}

/** Whether the signed-in caller holds a permission (to hide, not to protect). */
export function useCan(permission: PermissionName): boolean {
  return useMe().permissions.includes(permission);
}
