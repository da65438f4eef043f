/** Sign-in, the caller, members, API keys and the audit log. Types come from the contract. */
import type { z } from '@hono/zod-openapi';
import type * as C from '../../src/http/contract/index.ts';
import { ApiError, json, send, withQuery } from './api.ts';
import { authHeaders, getWorkspaceId, setWorkspaceId } from './auth.ts';

export type MeView = z.infer<typeof C.Me>;
export type PermissionName = MeView['permissions'][number];
export type RoleName = MeView['role'];
export type MemberView = z.infer<typeof C.Member>;
export type MemberCreateBody = z.input<typeof C.MemberCreate>;
export type MemberUpdateBody = z.input<typeof C.MemberUpdate>;
export type ApiKeyView = z.infer<typeof C.ApiKey>;
export type ApiKeyCreateBody = z.input<typeof C.ApiKeyCreate>;
export type ApiKeyCreatedView = z.infer<typeof C.ApiKeyCreated>;
export type AuditEntryView = z.infer<typeof C.AuditEntry>;
export type AuditPageView = z.infer<typeof C.AuditPage>;
export type AuditFilter = { actor?: string; action?: string; entity?: string; from?: string; to?: string };

// From the one table the server checks against (zod-free, so the bundle does not import it).
export { ROLE_PERMISSIONS as ROLE_SCOPES, ROLES as ROLE_NAMES } from '../../src/http/contract/roles.ts';

type Opts = { signal?: AbortSignal | undefined };

async function errorOf(res: Response): Promise<ApiError> {
  let code = res.status === 401 ? 'unauthorized' : 'internal';
  let message = `${res.status} ${res.statusText}`;
  try {
    const b = (await res.json()) as {
      code?: string;
      message?: string;
      error?: { code: string; message: string };
    };
    // better-auth answers { code, message }; our API { error: { code, message } }.
    code = b.error?.code ?? b.code ?? code;
    message = b.error?.message ?? b.message ?? message;
  } catch {
    // not JSON: keep the status line
  }
  return new ApiError(res.status, code, message, null);
}

export const authApi = {
  /** The caller, or null when nobody is signed in (no sign-out handler fires: this is the gate). */
  async currentUser(o: Opts = {}): Promise<MeView | null> {
    const res = await fetch('/api/me', {
      headers: { Accept: 'application/json', ...authHeaders() },
      credentials: 'same-origin',
      ...(o.signal ? { signal: o.signal } : {}),
    });
    if (res.status === 401) return null;
    // The workspace picked earlier is no longer theirs: fall back to their default one.
    if (res.status === 403 && getWorkspaceId() !== null) {
      setWorkspaceId(null);
      return authApi.currentUser(o);
    }
    if (!res.ok) throw await errorOf(res);
    return (await res.json()) as MeView;
  },

  /** Signs in; the session cookie is set by the response (httpOnly). Throws ApiError 401 on a wrong password. */
  async signIn(email: string, password: string): Promise<void> {
    const res = await fetch('/api/auth/sign-in/email', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      credentials: 'same-origin',
      body: JSON.stringify({ email, password, rememberMe: true }),
    });
    if (!res.ok) throw await errorOf(res);
  },

  async signOut(): Promise<void> {
    const res = await fetch('/api/auth/sign-out', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      credentials: 'same-origin',
      body: '{}',
    });
    // Already signed out (401) is fine; anything else is worth saying.
    if (!res.ok && res.status !== 401) throw await errorOf(res);
  },

  changePassword: (current: string, next: string) =>
    json<{ ok: true }>(
      send('POST', '/api/me/password', { json: { current_password: current, new_password: next } }),
    ),

  members: (o: Opts = {}) => json<{ items: MemberView[] }>(send('GET', '/api/users', o)),
  addMember: (body: MemberCreateBody) => json<MemberView>(send('POST', '/api/users', { json: body })),
  updateMember: (id: number, body: MemberUpdateBody) =>
    json<MemberView>(send('PATCH', `/api/users/${id}`, { json: body })),
  removeMember: (id: number) => json<MemberView>(send('DELETE', `/api/users/${id}`)),
  setMemberPassword: (id: number, password: string) =>
    json<{ ok: true }>(send('POST', `/api/users/${id}/password`, { json: { password } })),

  keys: (o: Opts = {}) => json<{ items: ApiKeyView[] }>(send('GET', '/api/keys', o)),
  createKey: (body: ApiKeyCreateBody) => json<ApiKeyCreatedView>(send('POST', '/api/keys', { json: body })),
  revokeKey: (id: number) => json<ApiKeyView>(send('DELETE', `/api/keys/${id}`)),

  audit: (filter: AuditFilter & { cursor?: string | null; limit?: number }, o: Opts = {}) =>
    json<AuditPageView>(
      send('GET', withQuery('/api/audit', { ...filter, cursor: filter.cursor ?? undefined }), o),
    ),
};
