// The contract for the signed-in caller (/api/me), workspace members and roles.
import { z } from '@hono/zod-openapi';
import { DateTimeString } from './common.ts';
import { ROLES, SCOPES } from './keys.ts';

export const Me = z
  .object({
    user: z.object({ id: z.number().int(), email: z.string(), name: z.string() }).nullable().openapi({
      description: 'the signed-in user; null for an integration API key',
    }),
    key: z.object({ id: z.number().int(), name: z.string() }).nullable().openapi({
      description: 'the API key used, when the request came with one',
    }),
    role: z.enum(ROLES),
    manager_staff: z
      .object({ id: z.number().int(), name: z.string() })
      .nullable()
      .openapi({ description: 'for a manager: the staff member whose customers they see' }),
    workspace: z.object({ id: z.number().int(), name: z.string() }),
    workspaces: z
      .array(z.object({ id: z.number().int(), name: z.string(), role: z.string() }))
      .openapi({ description: 'workspaces the user may switch to with the X-Workspace-Id header' }),
    permissions: z.array(z.enum(SCOPES)).openapi({ description: 'what this caller may do here' }),
  })
  .openapi('Me');

export const Member = z
  .object({
    id: z.number().int(),
    email: z.string(),
    name: z.string(),
    role: z.enum(ROLES),
    staff_id: z.number().int().nullable(),
    staff_name: z.string().nullable(),
    created_at: DateTimeString,
    member_since: DateTimeString,
  })
  .openapi('Member');

export const MemberList = z.object({ items: z.array(Member) }).openapi('MemberList');

const Password = z
  .string()
  .min(8)
  .max(128)
  .openapi({ format: 'password', description: '8 to 128 characters' });

export const MemberCreate = z
  .object({
    email: z.string().email().max(254),
    name: z.string().max(200).nullable().optional(),
    password: Password.openapi({
      description:
        'the initial password (8 to 128 characters); ignored when the e-mail already signs in elsewhere on this instance',
    }),
    role: z.enum(ROLES),
    staff_id: z.number().int().positive().nullable().optional().openapi({
      description: 'required for a manager: the staff member whose customers they see',
    }),
  })
  .openapi('MemberCreate');

export const MemberUpdate = z
  .object({
    role: z.enum(ROLES).optional(),
    staff_id: z.number().int().positive().nullable().optional(),
    name: z.string().min(1).max(200).optional(),
  })
  .openapi('MemberUpdate');

export const PasswordSet = z.object({ password: Password }).openapi('PasswordSet');

export const PasswordChange = z
  .object({ current_password: z.string().min(1).max(128), new_password: Password })
  .openapi('PasswordChange');

export const Done = z.object({ ok: z.literal(true) }).openapi('Done');

export type MeJson = z.infer<typeof Me>;
export type MemberJson = z.infer<typeof Member>;
export type MemberCreateJson = z.infer<typeof MemberCreate>;
export type MemberUpdateJson = z.infer<typeof MemberUpdate>;

export const SignIn = z
  .object({
    email: z.string().min(1).max(254).openapi({ example: 'owner@example.com' }),
    password: z.string().min(1).max(128).openapi({ format: 'password' }),
    rememberMe: z
      .boolean()
      .optional()
      .openapi({ description: 'false: the cookie ends with the browser session' }),
  })
  .openapi('SignIn');

const SessionUser = z
  .object({ id: z.union([z.string(), z.number()]), email: z.string(), name: z.string() })
  .passthrough();

export const SignedIn = z
  .object({ user: SessionUser })
  .passthrough()
  .openapi('SignedIn', { description: 'the session cookie (comeback.session_token, httpOnly) is set' });

export const SessionState = z
  .object({
    user: SessionUser,
    session: z.object({ expiresAt: z.string() }).passthrough(),
  })
  .passthrough()
  .nullable()
  .openapi('SessionState');
