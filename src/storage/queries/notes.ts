/**
 * Notes on customers. Every read and write that names a note by id carries the manager scope
 * in its SQL (`managerScope`), so a manager can neither read nor touch a note on someone
 * else's customer, whatever id they send.
 */
import type { Sql } from '../connect.ts';

export interface NoteRecord {
  id: number;
  customerId: number;
  authorUserId: number | null;
  authorKeyId: number | null;
  authorName: string;
  body: string;
  createdAt: string;
  editedAt: string | null;
}

export interface Actor {
  userId: number | null;
  keyId: number | null;
}

type NoteRaw = {
  id: number;
  customer_id: number;
  author_user_id: number | null;
  author_key_id: number | null;
  author_name: string;
  body: string;
  created_at: Date | string;
  edited_at: Date | string | null;
};

const iso = (v: Date | string | null) => (v === null ? null : new Date(v).toISOString());

function toNote(r: NoteRaw): NoteRecord {
  return {
    id: r.id,
    customerId: r.customer_id,
    authorUserId: r.author_user_id,
    authorKeyId: r.author_key_id,
    authorName: r.author_name,
    body: r.body,
    createdAt: new Date(r.created_at).toISOString(),
    editedAt: iso(r.edited_at),
  };
}

const NOTE_COLUMNS =
  'n.id, n.customer_id, n.author_user_id, n.author_key_id, n.author_name, n.body, n.created_at, n.edited_at';

/**
 * `AND EXISTS (customer of the row is the manager's)` for a row aliased `alias` with a
 * customer_id column, appending the parameter; '' for unrestricted callers.
 */
export function managerScope(alias: string, params: unknown[], visibleManager: number | null): string {
  if (visibleManager === null) return '';
  params.push(visibleManager);
  return `AND EXISTS (SELECT 1 FROM customers c WHERE c.workspace_id = ${alias}.workspace_id
                 AND c.id = ${alias}.customer_id AND c.manager_id = $${params.length})`;
}

/**
 * `<column> IN (the customer and the customers merged into it)`: a merge moves orders and
 * events but not notes or tasks, so the survivor's card shows its merged duplicates' notes and
 * tasks too, and an undone merge gives them back without moving a row. `idParam` is the
 * customer's parameter ($2, ...); $1 is the workspace.
 */
export function ofCustomerOrMerged(column: string, idParam: string): string {
  return `${column} IN (SELECT ${idParam}::bigint UNION ALL
            SELECT m.source_id FROM customer_merges m
             WHERE m.workspace_id = $1 AND m.target_id = ${idParam}::bigint AND m.undone_at IS NULL)`;
}

/**
 * The name to show for whoever acts: the user's name when signed in, else the API key's name.
 * Kept on the row, so a later rename or revoked key does not rewrite history.
 */
export async function actorName(sql: Sql, workspaceId: number, actor: Actor): Promise<string> {
  if (actor.userId !== null) {
    const rows = await sql.query<{ name: string }>('SELECT name FROM users WHERE id = $1', [actor.userId]);
    if (rows[0]) return rows[0].name;
  }
  if (actor.keyId !== null) {
    const rows = await sql.query<{ name: string }>(
      'SELECT name FROM api_keys WHERE workspace_id = $1 AND id = $2',
      [workspaceId, actor.keyId],
    );
    if (rows[0]) return rows[0].name;
  }
  return 'API';
}

/** A customer's notes, newest first, keyset-paged by id (ids grow with creation). */
export async function listNotes(
  sql: Sql,
  workspaceId: number,
  customerId: number,
  page: { beforeId: number | null; limit: number },
): Promise<NoteRecord[]> {
  const params: unknown[] = [workspaceId, customerId, page.limit];
  let before = '';
  if (page.beforeId !== null) {
    params.push(page.beforeId);
    before = `AND n.id < $${params.length}`;
  }
  const rows = await sql.query<NoteRaw>(
    `SELECT ${NOTE_COLUMNS} FROM customer_notes n
      WHERE n.workspace_id = $1 AND ${ofCustomerOrMerged('n.customer_id', '$2')} AND n.deleted_at IS NULL ${before}
      ORDER BY n.id DESC LIMIT $3`,
    params,
  );
  return rows.map(toNote);
}

export async function insertNote(
  sql: Sql,
  workspaceId: number,
  note: { customerId: number; actor: Actor; authorName: string; body: string },
): Promise<NoteRecord> {
  const rows = await sql.query<NoteRaw>(
    `INSERT INTO customer_notes AS n (workspace_id, customer_id, author_user_id, author_key_id, author_name, body)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${NOTE_COLUMNS}`,
    [workspaceId, note.customerId, note.actor.userId, note.actor.keyId, note.authorName, note.body],
  );
  return toNote(rows[0]!);
}

/** One live note of a customer, or null when missing, deleted or outside the manager's scope. */
export async function findNote(
  sql: Sql,
  workspaceId: number,
  customerId: number,
  noteId: number,
  visibleManager: number | null,
): Promise<NoteRecord | null> {
  const params: unknown[] = [workspaceId, customerId, noteId];
  const scope = managerScope('n', params, visibleManager);
  const rows = await sql.query<NoteRaw>(
    `SELECT ${NOTE_COLUMNS} FROM customer_notes n
      WHERE n.workspace_id = $1 AND ${ofCustomerOrMerged('n.customer_id', '$2')} AND n.id = $3
        AND n.deleted_at IS NULL ${scope}`,
    params,
  );
  return rows[0] ? toNote(rows[0]) : null;
}

export async function updateNoteBody(
  sql: Sql,
  workspaceId: number,
  noteId: number,
  body: string,
  visibleManager: number | null,
): Promise<NoteRecord | null> {
  const params: unknown[] = [workspaceId, noteId, body];
  const scope = managerScope('n', params, visibleManager);
  const rows = await sql.query<NoteRaw>(
    `UPDATE customer_notes n SET body = $3, edited_at = now()
      WHERE n.workspace_id = $1 AND n.id = $2 AND n.deleted_at IS NULL ${scope}
      RETURNING ${NOTE_COLUMNS}`,
    params,
  );
  return rows[0] ? toNote(rows[0]) : null;
}

/** Soft delete: the row stays (who wrote what, and when, is history), hidden everywhere. */
export async function softDeleteNote(
  sql: Sql,
  workspaceId: number,
  noteId: number,
  visibleManager: number | null,
): Promise<boolean> {
  const params: unknown[] = [workspaceId, noteId];
  const scope = managerScope('n', params, visibleManager);
  const rows = await sql.query(
    `UPDATE customer_notes n SET deleted_at = now()
      WHERE n.workspace_id = $1 AND n.id = $2 AND n.deleted_at IS NULL ${scope} RETURNING n.id`,
    params,
  );
  return rows.length > 0;
}
