/**
 * /api/me (any signed-in caller) and /api/users: the members of the workspace, their roles and
 * passwords (owner: users:manage). A workspace keeps at least one owner (409 `last_owner`).
 */
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { AuthService } from '../../app/auth/auth-service.ts';
import { getMe } from '../../app/auth/me.ts';
import {
  addMember,
  changeOwnPassword,
  listMembers,
  MemberConflict,
  type MemberRow,
  removeMember,
  setMemberPassword,
  updateMember,
} from '../../app/auth/members.ts';
import { errors, IdParam, json, Security } from '../contract/common.ts';
import {
  Done,
  Me,
  Member,
  MemberCreate,
  MemberList,
  MemberUpdate,
  PasswordChange,
  PasswordSet,
} from '../contract/users.ts';
import type { ApiDeps, ApiEnv } from '../env.ts';
import { errorJson } from '../errors.ts';

const tags = ['users'];
const body = <T>(schema: T) => ({ body: { required: true, content: { 'application/json': { schema } } } });

const me = createRoute({
  method: 'get',
  path: '/api/me',
  tags,
  security: Security,
  summary: 'The caller: user, role, workspace and permissions',
  responses: { 200: json(Me, 'The caller'), ...errors() },
});

const changePassword = createRoute({
  method: 'post',
  path: '/api/me/password',
  tags,
  security: Security,
  summary: "Change one's own password (other sessions end)",
  request: body(PasswordChange),
  responses: { 200: json(Done, 'Changed'), ...errors(400, 422) },
});

const list = createRoute({
  method: 'get',
  path: '/api/users',
  tags,
  security: Security,
  summary: 'Members of the workspace',
  responses: { 200: json(MemberList, 'Members'), ...errors() },
});

const create = createRoute({
  method: 'post',
  path: '/api/users',
  tags,
  security: Security,
  summary: 'Add a user to the workspace with a role and an initial password',
  request: body(MemberCreate),
  responses: { 201: json(Member, 'Added'), ...errors(409, 422) },
});

const update = createRoute({
  method: 'patch',
  path: '/api/users/{id}',
  tags,
  security: Security,
  summary: "Change a member's role, manager staff member or name",
  request: { params: IdParam, ...body(MemberUpdate) },
  responses: { 200: json(Member, 'Changed'), ...errors(404, 409, 422) },
});

const remove = createRoute({
  method: 'delete',
  path: '/api/users/{id}',
  tags,
  security: Security,
  summary: 'Remove a member from the workspace (they are signed out)',
  request: { params: IdParam },
  responses: { 200: json(Member, 'Removed'), ...errors(404, 409) },
});

const setPassword = createRoute({
  method: 'post',
  path: '/api/users/{id}/password',
  tags,
  security: Security,
  summary: "Set a member's password (they are signed out everywhere)",
  request: { params: IdParam, ...body(PasswordSet) },
  responses: { 200: json(Done, 'Set'), ...errors(404, 422) },
});

function presentMember(m: MemberRow) {
  return {
    id: m.id,
    email: m.email,
    name: m.name,
    role: m.role as 'owner' | 'marketer' | 'manager' | 'viewer',
    staff_id: m.staffId,
    staff_name: m.staffName,
    created_at: m.createdAt,
    member_since: m.memberSince,
  };
}

/** `last_owner` and `email_taken` keep their own codes (still 409). */
function conflict(e: MemberConflict) {
  return errorJson(e.reason, e.message, e.details);
}

export function registerUserRoutes(app: OpenAPIHono<ApiEnv>, deps: ApiDeps, auth: AuthService): void {
  const { db } = deps;
  app.openapi(me, async (c) => {
    const m = await getMe(db, c.get('principal'));
    return c.json(
      {
        user: m.user,
        key: m.key,
        role: m.role,
        manager_staff: m.managerStaff,
        workspace: m.workspace,
        workspaces: m.workspaces,
        permissions: m.permissions,
      },
      200,
    );
  });
  app.openapi(changePassword, async (c) => {
    const b = c.req.valid('json');
    const session = await auth.session(c.req.raw.headers).catch(() => null);
    await changeOwnPassword(
      db,
      c.get('principal'),
      { current: b.current_password, next: b.new_password },
      session?.sessionToken ?? null,
    );
    return c.json({ ok: true as const }, 200);
  });
  app.openapi(list, async (c) =>
    c.json({ items: (await listMembers(db, c.get('principal'))).map(presentMember) }, 200),
  );
  app.openapi(create, async (c) => {
    const b = c.req.valid('json');
    try {
      const m = await addMember(db, c.get('principal'), {
        email: b.email,
        name: b.name ?? null,
        password: b.password,
        role: b.role,
        staffId: b.staff_id ?? null,
      });
      return c.json(presentMember(m), 201);
    } catch (e) {
      if (e instanceof MemberConflict) return c.json(conflict(e), 409) as never;
      throw e;
    }
  });
  app.openapi(update, async (c) => {
    const { id } = c.req.valid('param');
    const b = c.req.valid('json');
    try {
      const m = await updateMember(db, c.get('principal'), id, {
        role: b.role,
        ...(b.staff_id !== undefined ? { staffId: b.staff_id } : {}),
        name: b.name,
      });
      return c.json(presentMember(m), 200);
    } catch (e) {
      if (e instanceof MemberConflict) return c.json(conflict(e), 409) as never;
      throw e;
    }
  });
  app.openapi(remove, async (c) => {
    const { id } = c.req.valid('param');
    try {
      return c.json(presentMember(await removeMember(db, c.get('principal'), id)), 200);
    } catch (e) {
      if (e instanceof MemberConflict) return c.json(conflict(e), 409) as never;
      throw e;
    }
  });
  app.openapi(setPassword, async (c) => {
    const { id } = c.req.valid('param');
    await setMemberPassword(db, c.get('principal'), id, c.req.valid('json').password);
    return c.json({ ok: true as const }, 200);
  });
}
