/**
 * The audit log: recording who changed what (with secrets redacted) and reading it back.
 * Recording never fails the change it describes: the HTTP layer calls it after the response.
 */
import { AppError } from '../../core/errors.ts';
import type { Database } from '../../storage/connect.ts';
import {
  type AuditFilter,
  type AuditRow,
  insertAuditEntry,
  listAuditEntries,
} from '../../storage/queries/audit.ts';
import { membershipsOf } from '../../storage/queries/users.ts';
import { decodeCursor, encodeCursor, queryFingerprint } from '../api/cursor.ts';
import { type Principal, requirePermission } from '../api/principal.ts';
import { SECRET_FIELDS } from '../messaging/channel-settings.ts';

export type { AuditRow };

export const REDACTED = '[redacted]';
/** Field names whose values never reach the log (matched case-insensitively, anywhere in the name). */
const SECRET_FIELD = /pass(word)?|secret|token|api[_-]?key|authorization|credential|private/i;
/**
 * Plus every channel credential by its exact name, whatever it looks like (SMS.ru's `apiId`,
 * VK's `confirmationCode`, a webhook channel's `headers` that may carry an Authorization).
 */
const CHANNEL_SECRETS = new Set(Object.values(SECRET_FIELDS).flat());
const isSecret = (k: string) => SECRET_FIELD.test(k) || CHANNEL_SECRETS.has(k);
/** Long free text and file bodies are cut: the log says what changed, it is not a backup. */
const MAX_STRING = 500;
const MAX_ITEMS = 50;
const MAX_DEPTH = 4;

/** A copy of a request body fit for the log: secrets replaced, size bounded. */
export function redact(value: unknown, depth = 0): unknown {
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'string') return value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}…` : value;
  if (depth >= MAX_DEPTH) return '…';
  if (Array.isArray(value)) {
    const items = value.slice(0, MAX_ITEMS).map((v) => redact(v, depth + 1));
    if (value.length > MAX_ITEMS) items.push(`… ${value.length - MAX_ITEMS} more`);
    return items;
  }
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      out[k] = isSecret(k) ? REDACTED : redact(v, depth + 1);
    }
    return out;
  }
  return String(value);
}

export interface ChangeRecord {
  principal: Principal;
  action: string;
  entityId: string | null;
  /** The HTTP status of a request; null for a change made from the command line. */
  status: number | null;
  body: unknown;
  ipAddress: string | null;
}

export async function recordChange(db: Database, r: ChangeRecord): Promise<void> {
  const changes = r.body === undefined ? {} : redact(r.body);
  await insertAuditEntry(db, r.principal.workspaceId, {
    actorUserId: r.principal.userId,
    actorKeyId: r.principal.keyId,
    action: r.action,
    entityId: r.entityId,
    status: r.status,
    changes:
      changes !== null && typeof changes === 'object' && !Array.isArray(changes)
        ? (changes as Record<string, unknown>)
        : { body: changes },
    ipAddress: r.ipAddress,
  });
}

/**
 * A sign-in, sign-out or failed sign-in, written to every workspace the user belongs to (each
 * owner sees the events of their own people).
 */
export async function recordAuthEvent(
  db: Database,
  e: {
    userId: number;
    event: 'auth.sign_in' | 'auth.sign_out' | 'auth.sign_in_failed';
    ipAddress: string | null;
    userAgent: string | null;
  },
): Promise<void> {
  for (const m of await membershipsOf(db, e.userId)) {
    await insertAuditEntry(db, m.workspaceId, {
      actorUserId: e.userId,
      actorKeyId: null,
      action: e.event,
      entityId: String(e.userId),
      status: null,
      changes: e.userAgent ? { user_agent: e.userAgent.slice(0, MAX_STRING) } : {},
      ipAddress: e.ipAddress,
    });
  }
}

export interface AuditQuery {
  actor?: string | undefined;
  action?: string | undefined;
  entityId?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  cursor?: string | undefined;
  limit: number;
}

export async function readAuditLog(
  db: Database,
  p: Principal,
  query: AuditQuery,
): Promise<{ items: AuditRow[]; nextCursor: string | null }> {
  requirePermission(p, 'audit:read');
  const { cursor, limit, ...filters } = query;
  if (filters.from && filters.to && Date.parse(filters.from) > Date.parse(filters.to))
    throw new AppError('validation_failed', 'from is after to', [
      { path: 'from', message: 'must not be after to' },
    ]);
  const fingerprint = queryFingerprint(filters);
  const beforeId = cursor ? decodeCursor(cursor, fingerprint).id : undefined;
  const f: AuditFilter = { ...filters, beforeId, limit: limit + 1 };
  const rows = await listAuditEntries(db, p.workspaceId, f);
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return {
    items,
    nextCursor: rows.length > limit && last ? encodeCursor({ value: null, id: last.id }, fingerprint) : null,
  };
}
