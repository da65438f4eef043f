/**
 * Notes on a customer's card: anyone who may read the customer reads them; anyone who may
 * write customers adds them; only the author (or an owner) edits or deletes one. A manager
 * reaches only the notes of their own customers: the customer check and every note
 * statement carry the manager scope in SQL.
 */
import { AppError } from '../../core/errors.ts';
import type { Database } from '../../storage/connect.ts';
import {
  actorName,
  findNote,
  insertNote,
  listNotes,
  type NoteRecord,
  softDeleteNote,
  updateNoteBody,
} from '../../storage/queries/notes.ts';
import { AccessError } from '../api/access-error.ts';
import { decodeCursor, encodeCursor, queryFingerprint } from '../api/cursor.ts';
import { visibleCustomer } from '../api/get-customer-card.ts';
import { type Principal, requirePermission, visibleManager } from '../api/principal.ts';

export const NOTE_MAX_LENGTH = 5000;

export type { NoteRecord };

/** Plain text, trimmed, not empty, at most NOTE_MAX_LENGTH characters (422 on `body`). */
export function noteBody(raw: string): string {
  const body = raw.replace(/\r\n?/g, '\n').trim();
  const problem =
    body === ''
      ? 'write something'
      : body.length > NOTE_MAX_LENGTH
        ? `at most ${NOTE_MAX_LENGTH} characters`
        : null;
  if (problem)
    throw new AppError('validation_failed', `body: ${problem}`, [{ path: 'body', message: problem }]);
  return body;
}

export interface NotePage {
  items: (NoteRecord & { mine: boolean })[];
  nextCursor: string | null;
}

const isMine = (p: Principal, n: NoteRecord) =>
  (p.userId !== null && n.authorUserId === p.userId) ||
  (p.userId === null && p.keyId !== null && n.authorKeyId === p.keyId);

/** Whether the principal may change this note: its author, or an owner. */
export const mayChange = (p: Principal, n: NoteRecord) => p.role === 'owner' || isMine(p, n);

export async function listCustomerNotes(
  db: Database,
  principal: Principal,
  customerId: number,
  q: { cursor?: string; limit: number },
): Promise<NotePage> {
  requirePermission(principal, 'customers:read');
  await visibleCustomer(db, principal, customerId);
  const fingerprint = queryFingerprint({ notes: customerId });
  const beforeId = q.cursor ? decodeCursor(q.cursor, fingerprint).id : null;
  const rows = await listNotes(db, principal.workspaceId, customerId, { beforeId, limit: q.limit + 1 });
  const items = rows.slice(0, q.limit).map((n) => ({ ...n, mine: mayChange(principal, n) }));
  const last = items.at(-1);
  return {
    items,
    nextCursor:
      rows.length > q.limit && last ? encodeCursor({ value: null, id: last.id }, fingerprint) : null,
  };
}

export async function addNote(
  db: Database,
  principal: Principal,
  customerId: number,
  rawBody: string,
): Promise<NoteRecord & { mine: boolean }> {
  requirePermission(principal, 'customers:write');
  const body = noteBody(rawBody);
  await visibleCustomer(db, principal, customerId);
  const actor = { userId: principal.userId, keyId: principal.keyId };
  const note = await insertNote(db, principal.workspaceId, {
    customerId,
    actor,
    authorName: await actorName(db, principal.workspaceId, actor),
    body,
  });
  return { ...note, mine: true };
}

async function changeable(db: Database, principal: Principal, customerId: number, noteId: number) {
  requirePermission(principal, 'customers:write');
  const note = await findNote(db, principal.workspaceId, customerId, noteId, visibleManager(principal));
  if (!note) throw new AppError('not_found', `no note ${noteId} on customer ${customerId}`);
  if (!mayChange(principal, note)) {
    throw new AccessError('forbidden', 'only the author of a note (or an owner) can change it');
  }
  return note;
}

export async function editNote(
  db: Database,
  principal: Principal,
  customerId: number,
  noteId: number,
  rawBody: string,
): Promise<NoteRecord & { mine: boolean }> {
  const body = noteBody(rawBody);
  await changeable(db, principal, customerId, noteId);
  const note = await updateNoteBody(db, principal.workspaceId, noteId, body, visibleManager(principal));
  if (!note) throw new AppError('not_found', `no note ${noteId} on customer ${customerId}`);
  return { ...note, mine: true };
}

export async function deleteNote(
  db: Database,
  principal: Principal,
  customerId: number,
  noteId: number,
): Promise<void> {
  await changeable(db, principal, customerId, noteId);
  if (!(await softDeleteNote(db, principal.workspaceId, noteId, visibleManager(principal))))
    throw new AppError('not_found', `no note ${noteId} on customer ${customerId}`);
}
