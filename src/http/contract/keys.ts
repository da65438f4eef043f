import { z } from '@hono/zod-openapi';
import { PERMISSIONS, ROLES } from '../../core/roles.ts';
import { DateTimeString } from './common.ts';

export { ROLES };
/** Every permission a key can be narrowed to: the permissions themselves (src/core/roles.ts). */
export const SCOPES = PERMISSIONS;

export const ApiKeyCreate = z
  .object({
    name: z.string().min(1).max(200),
    role: z.enum(ROLES),
    manager_staff_id: z.number().int().positive().nullable().optional().openapi({
      description: 'required for a manager key: the staff member whose customers it sees',
    }),
    scopes: z
      .array(z.enum(SCOPES))
      .max(SCOPES.length)
      .nullable()
      .optional()
      .openapi({ description: "narrows the role's permissions; omitted = all of them" }),
  })
  .openapi('ApiKeyCreate');

export const ApiKey = z
  .object({
    id: z.number().int(),
    name: z.string(),
    role: z.enum(ROLES),
    manager_staff_id: z.number().int().nullable(),
    scopes: z.array(z.string()).nullable(),
    created_at: DateTimeString,
    last_used_at: DateTimeString.nullable(),
    revoked_at: DateTimeString.nullable(),
  })
  .openapi('ApiKey');

export const ApiKeyCreated = z
  .object({
    key: ApiKey,
    token: z.string().openapi({ description: 'the bearer token; shown only now' }),
  })
  .openapi('ApiKeyCreated');

export const ApiKeyList = z.object({ items: z.array(ApiKey) }).openapi('ApiKeyList');
