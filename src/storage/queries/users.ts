/**
 * Users (instance-level), their password credentials and their membership of workspaces.
 * better-auth reads and writes the same tables through its Drizzle adapter at sign-in; the
 * writes here are the ones better-auth has no API for once public sign-up is off (an owner
 * adding a user, resetting a password, removing a member).
 */
import type { Sql } from '../connect.ts';

export interface UserRow {
  id: number;
  email: string;
  name: string;
  createdAt: string;
}

export interface MemberRow extends UserRow {
  workspaceId: number;
  role: string;
  staffId: number | null;
  staffName: string | null;
  memberSince: string;
}

export interface MembershipRow {
  workspaceId: number;
  workspaceName: string;
  role: string;
  staffId: number | null;
}

const iso = (v: Date | string) => new Date(v).toISOString();

type RawMember = {
  id: number;
  email: string;
  name: string;
  created_at: Date | string;
  workspace_id: number;
  role: string;
  staff_id: number | null;
  staff_name: string | null;
  member_since: Date | string;
};

function toMember(r: RawMember): MemberRow {
  return {
    id: r.id,
    email: r.email,
    name: r.name,
    createdAt: iso(r.created_at),
    workspaceId: r.workspace_id,
    role: r.role,
    staffId: r.staff_id,
    staffName: r.staff_name,
    memberSince: iso(r.member_since),
  };
}

const MEMBER_SELECT = `
  SELECT u.id, u.email, u.name, u.created_at, m.workspace_id, m.role, m.staff_id,
         s.name AS staff_name, m.created_at AS member_since
    FROM workspace_members m
    JOIN users u ON u.id = m.user_id
    LEFT JOIN staff s ON s.workspace_id = m.workspace_id AND s.id = m.staff_id`;

export async function findUserByEmail(sql: Sql, email: string): Promise<UserRow | null> {
  const rows = await sql.query<{ id: number; email: string; name: string; created_at: Date | string }>(
    'SELECT id, email, name, created_at FROM users WHERE email = $1',
    [email.toLowerCase()],
  );
  const r = rows[0];
  return r ? { id: r.id, email: r.email, name: r.name, createdAt: iso(r.created_at) } : null;
}

export async function findUser(sql: Sql, id: number): Promise<UserRow | null> {
  const rows = await sql.query<{ id: number; email: string; name: string; created_at: Date | string }>(
    'SELECT id, email, name, created_at FROM users WHERE id = $1',
    [id],
  );
  const r = rows[0];
  return r ? { id: r.id, email: r.email, name: r.name, createdAt: iso(r.created_at) } : null;
}

/** A user with an e-mail + password credential (the shape better-auth's sign-up would write). */
export async function insertUser(
  sql: Sql,
  u: { email: string; name: string; passwordHash: string },
): Promise<UserRow> {
  const rows = await sql.query<{ id: number; email: string; name: string; created_at: Date | string }>(
    `INSERT INTO users (name, email, email_verified) VALUES ($1, $2, false)
     RETURNING id, email, name, created_at`,
    [u.name, u.email.toLowerCase()],
  );
  const r = rows[0]!;
  // better-auth's credential account: account_id is the user id, provider 'credential'.
  await sql.query(
    `INSERT INTO accounts (account_id, provider_id, user_id, password) VALUES ($1, 'credential', $2, $3)`,
    [String(r.id), r.id, u.passwordHash],
  );
  return { id: r.id, email: r.email, name: r.name, createdAt: iso(r.created_at) };
}

export async function passwordHashOf(sql: Sql, userId: number): Promise<string | null> {
  const rows = await sql.query<{ password: string | null }>(
    `SELECT password FROM accounts WHERE user_id = $1 AND provider_id = 'credential'`,
    [userId],
  );
  return rows[0]?.password ?? null;
}

export async function setPasswordHash(sql: Sql, userId: number, hash: string): Promise<void> {
  const updated = await sql.query(
    `UPDATE accounts SET password = $2, updated_at = now()
      WHERE user_id = $1 AND provider_id = 'credential' RETURNING id`,
    [userId, hash],
  );
  if (updated.length === 0) {
    await sql.query(
      `INSERT INTO accounts (account_id, provider_id, user_id, password) VALUES ($1, 'credential', $1::bigint, $2)`,
      [String(userId), hash],
    );
  }
}

/** Signs the user out everywhere except, optionally, the session with `keepToken`. */
export async function deleteSessions(
  sql: Sql,
  userId: number,
  keepToken: string | null = null,
): Promise<void> {
  await sql.query('DELETE FROM sessions WHERE user_id = $1 AND ($2::text IS NULL OR token <> $2)', [
    userId,
    keepToken,
  ]);
}

export async function deleteUser(sql: Sql, userId: number): Promise<void> {
  // sessions, accounts and memberships go with it (ON DELETE CASCADE).
  await sql.query('DELETE FROM users WHERE id = $1', [userId]);
}

export async function membershipsOf(sql: Sql, userId: number): Promise<MembershipRow[]> {
  const rows = await sql.query<{
    workspace_id: number;
    name: string;
    role: string;
    staff_id: number | null;
  }>(
    `SELECT m.workspace_id, w.name, m.role, m.staff_id
       FROM workspace_members m JOIN workspaces w ON w.workspace_id = m.workspace_id
      WHERE m.user_id = $1 ORDER BY m.workspace_id`,
    [userId],
  );
  return rows.map((r) => ({
    workspaceId: r.workspace_id,
    workspaceName: r.name,
    role: r.role,
    staffId: r.staff_id,
  }));
}

export async function listMembers(sql: Sql, workspaceId: number): Promise<MemberRow[]> {
  const rows = await sql.query<RawMember>(`${MEMBER_SELECT} WHERE m.workspace_id = $1 ORDER BY u.email`, [
    workspaceId,
  ]);
  return rows.map(toMember);
}

export async function findMember(sql: Sql, workspaceId: number, userId: number): Promise<MemberRow | null> {
  const rows = await sql.query<RawMember>(`${MEMBER_SELECT} WHERE m.workspace_id = $1 AND m.user_id = $2`, [
    workspaceId,
    userId,
  ]);
  return rows[0] ? toMember(rows[0]) : null;
}

export async function insertMember(
  sql: Sql,
  workspaceId: number,
  m: { userId: number; role: string; staffId: number | null },
): Promise<void> {
  await sql.query(
    'INSERT INTO workspace_members (workspace_id, user_id, role, staff_id) VALUES ($1, $2, $3, $4)',
    [workspaceId, m.userId, m.role, m.staffId],
  );
}

export async function updateMember(
  sql: Sql,
  workspaceId: number,
  userId: number,
  m: { role: string; staffId: number | null },
): Promise<void> {
  await sql.query(
    'UPDATE workspace_members SET role = $3, staff_id = $4 WHERE workspace_id = $1 AND user_id = $2',
    [workspaceId, userId, m.role, m.staffId],
  );
}

export async function updateUserName(sql: Sql, userId: number, name: string): Promise<void> {
  await sql.query('UPDATE users SET name = $2, updated_at = now() WHERE id = $1', [userId, name]);
}

export async function deleteMember(sql: Sql, workspaceId: number, userId: number): Promise<void> {
  await sql.query('DELETE FROM workspace_members WHERE workspace_id = $1 AND user_id = $2', [
    workspaceId,
    userId,
  ]);
}

/**
 * Owners of the workspace, locked for the rest of the transaction (FOR UPDATE), so two
 * concurrent demotions cannot both see "another owner remains" and leave none.
 */
export async function lockOwners(sql: Sql, workspaceId: number): Promise<number[]> {
  const rows = await sql.query<{ user_id: number }>(
    `SELECT user_id FROM workspace_members WHERE workspace_id = $1 AND role = 'owner' ORDER BY user_id FOR UPDATE`,
    [workspaceId],
  );
  return rows.map((r) => r.user_id);
}

export async function countMembers(sql: Sql, workspaceId: number): Promise<number> {
  const rows = await sql.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM workspace_members WHERE workspace_id = $1',
    [workspaceId],
  );
  return rows[0]?.n ?? 0;
}

export async function workspaceName(sql: Sql, workspaceId: number): Promise<string | null> {
  const rows = await sql.query<{ name: string }>('SELECT name FROM workspaces WHERE workspace_id = $1', [
    workspaceId,
  ]);
  return rows[0]?.name ?? null;
}
