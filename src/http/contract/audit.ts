// The contract for the audit log.
import { z } from '@hono/zod-openapi';
import { DateTimeString } from './common.ts';

const Instant = z
  .string()
  .max(40)
  .refine((v) => !Number.isNaN(Date.parse(v)), 'a date-time such as 2025-03-01T00:00:00Z')
  .openapi({ format: 'date-time' });

export const AuditQuery = z.object({
  actor: z.string().max(200).optional().openapi({ description: 'part of an e-mail or API key name' }),
  action: z
    .string()
    .max(200)
    .optional()
    .openapi({ description: 'part of the action, e.g. "customers", "DELETE" or "auth.sign_in"' }),
  entity: z.string().max(100).optional().openapi({ description: 'the id of the changed entity' }),
  from: Instant.optional().openapi({ description: 'from this instant (inclusive)' }),
  to: Instant.optional().openapi({ description: 'before this instant' }),
  cursor: z.string().max(500).optional().openapi({ description: 'next_cursor of the previous page' }),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const AuditEntry = z
  .object({
    id: z.number().int(),
    at: DateTimeString,
    actor: z.object({
      user_id: z.number().int().nullable(),
      key_id: z.number().int().nullable(),
      label: z.string().openapi({ description: "the user's e-mail or the key's name" }),
    }),
    action: z.string().openapi({ example: 'PATCH /api/customers/{id}' }),
    entity_id: z.string().nullable(),
    status: z.number().int().nullable(),
    changes: z
      .record(z.string(), z.unknown())
      .openapi({ description: 'the request fields, secrets redacted' }),
    ip_address: z.string().nullable(),
  })
  .openapi('AuditEntry');

export const AuditPage = z
  .object({ items: z.array(AuditEntry), next_cursor: z.string().nullable() })
  .openapi('AuditPage');

export type AuditEntryJson = z.infer<typeof AuditEntry>;
export type AuditPageJson = z.infer<typeof AuditPage>;
