/**
 * The people of a workspace: who they are, their role and (for a manager) whose customers they
 * see. Everything here needs `users:manage` (the owner) except reading oneself and changing
 * one's own password. The workspace always keeps at least one owner.
 */
import { AppError } from '../../core/errors.ts';
import type { Database, Sql } from '../../storage/connect.ts';
import { staffExists } from '../../storage/queries/staff.ts';
import * as q from '../../storage/queries/users.ts';
import type { FieldProblem } from '../api/context.ts';
import { type Principal, ROLES, type Role, requirePermission } from '../api/principal.ts';
import { hash, matches, passwordProblem } from './passwords.ts';

export type { MemberRow } from '../../storage/queries/users.ts';

/** A 409 with its own stable code (`last_owner`, `email_taken`), still an AppError `conflict` for the CLI. */
export class MemberConflict extends AppError {
  constructor(
    readonly reason: 'last_owner' | 'email_taken',
    message: string,
  ) {
    super('conflict', message, { reason });
  }
}

export interface NewMember {
  email: string;
  name?: string | null | undefined;
  password: string;
  role: Role;
  staffId?: number | null | undefined;
}

export interface MemberChange {
  role?: Role | undefined;
  /** For a manager; null clears it. Cleared automatically when the role is not manager. */
  staffId?: number | null | undefined;
  name?: string | undefined;
}

/** 422 whose message names every problem (the CLI prints only the message). */
function invalid(problems: FieldProblem[]): AppError {
  return new AppError(
    'validation_failed',
    problems.map((p) => `${p.path}: ${p.message}`).join('; '),
    problems,
  );
}

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

async function roleProblems(
  db: Sql,
  workspaceId: number,
  role: Role,
  staffId: number | null,
): Promise<FieldProblem[]> {
  const problems: FieldProblem[] = [];
  if (!ROLES.includes(role)) problems.push({ path: 'role', message: `one of ${ROLES.join(', ')}` });
  if (role === 'manager') {
    if (staffId === null)
      problems.push({
        path: 'staff_id',
        message: 'a manager needs the staff member whose customers they see',
      });
    else if (!(await staffExists(db, workspaceId, staffId)))
      problems.push({ path: 'staff_id', message: `no staff member ${staffId}` });
  } else if (staffId !== null) {
    problems.push({ path: 'staff_id', message: 'only a manager has a staff member' });
  }
  return problems;
}

export async function listMembers(db: Database, p: Principal): Promise<q.MemberRow[]> {
  requirePermission(p, 'users:manage');
  return q.listMembers(db, p.workspaceId);
}

/**
 * Adds a person with a role and an initial password. An e-mail that already signs in to another
 * workspace of this instance joins this one with its existing password (the one given is ignored).
 */
export async function addMember(db: Database, p: Principal, input: NewMember): Promise<q.MemberRow> {
  requirePermission(p, 'users:manage');
  const email = input.email.trim().toLowerCase();
  const staffId = input.staffId ?? null;
  const problems: FieldProblem[] = [];
  if (!EMAIL_RE.test(email)) problems.push({ path: 'email', message: 'not an e-mail address' });
  const pw = passwordProblem(input.password);
  if (pw) problems.push(pw);
  problems.push(...(await roleProblems(db, p.workspaceId, input.role, staffId)));
  if (problems.length > 0) throw invalid(problems);
  const passwordHash = await hash(input.password);
  const userId = await db.transaction(async (tx) => {
    const existing = await q.findUserByEmail(tx, email);
    if (existing && (await q.findMember(tx, p.workspaceId, existing.id)))
      throw new MemberConflict('email_taken', `${email} is already a member of this workspace`);
    const user =
      existing ??
      (await q.insertUser(tx, { email, name: input.name?.trim() || email.split('@')[0]!, passwordHash }));
    await q.insertMember(tx, p.workspaceId, { userId: user.id, role: input.role, staffId });
    return user.id;
  });
  return (await q.findMember(db, p.workspaceId, userId))!;
}

export async function updateMember(
  db: Database,
  p: Principal,
  userId: number,
  change: MemberChange,
): Promise<q.MemberRow> {
  requirePermission(p, 'users:manage');
  await db.transaction(async (tx) => {
    const owners = await q.lockOwners(tx, p.workspaceId);
    const current = await q.findMember(tx, p.workspaceId, userId);
    if (!current) throw new AppError('not_found', `no user ${userId} in this workspace`);
    const role = change.role ?? (current.role as Role);
    // A manager keeps their staff member unless a new one is given; other roles have none.
    const staffId =
      role === 'manager'
        ? change.staffId !== undefined
          ? change.staffId
          : current.staffId
        : (change.staffId ?? null);
    const problems = await roleProblems(tx, p.workspaceId, role, staffId);
    if (change.name !== undefined && change.name.trim() === '')
      problems.push({ path: 'name', message: 'must not be empty' });
    if (problems.length > 0) throw invalid(problems);
    if (current.role === 'owner' && role !== 'owner' && owners.length <= 1)
      throw new MemberConflict(
        'last_owner',
        'the workspace needs at least one owner: make someone else owner first',
      );
    await q.updateMember(tx, p.workspaceId, userId, { role, staffId });
    if (change.name !== undefined) await q.updateUserName(tx, userId, change.name.trim());
  });
  return (await q.findMember(db, p.workspaceId, userId))!;
}

/**
 * Removes a person from the workspace and signs them out. Someone who belongs to no other
 * workspace is deleted altogether, so their password stops working too.
 */
export async function removeMember(db: Database, p: Principal, userId: number): Promise<q.MemberRow> {
  requirePermission(p, 'users:manage');
  return db.transaction(async (tx) => {
    const owners = await q.lockOwners(tx, p.workspaceId);
    const current = await q.findMember(tx, p.workspaceId, userId);
    if (!current) throw new AppError('not_found', `no user ${userId} in this workspace`);
    if (current.role === 'owner' && owners.length <= 1)
      throw new MemberConflict(
        'last_owner',
        'the workspace needs at least one owner: make someone else owner first',
      );
    await q.deleteMember(tx, p.workspaceId, userId);
    if ((await q.membershipsOf(tx, userId)).length === 0) await q.deleteUser(tx, userId);
    else await q.deleteSessions(tx, userId);
    return current;
  });
}

/** An owner sets a member's password (there is no e-mail reset in a self-hosted box); signs them out. */
export async function setMemberPassword(
  db: Database,
  p: Principal,
  userId: number,
  password: string,
): Promise<void> {
  requirePermission(p, 'users:manage');
  const problem = passwordProblem(password);
  if (problem) throw invalid([problem]);
  if (!(await q.findMember(db, p.workspaceId, userId)))
    throw new AppError('not_found', `no user ${userId} in this workspace`);
  const passwordHash = await hash(password);
  await db.transaction(async (tx) => {
    await q.setPasswordHash(tx, userId, passwordHash);
    await q.deleteSessions(tx, userId);
  });
}

/**
 * A signed-in user changes their own password, proving the current one; their other sessions
 * end (the one making the change, `keepSessionToken`, stays).
 */
export async function changeOwnPassword(
  db: Database,
  p: Principal,
  input: { current: string; next: string },
  keepSessionToken: string | null,
): Promise<void> {
  if (p.userId === null)
    throw new AppError('bad_usage', 'an API key has no password: sign in as a user to change yours');
  const problem = passwordProblem(input.next, 'new_password');
  if (problem) throw invalid([problem]);
  const stored = await q.passwordHashOf(db, p.userId);
  if (!stored || !(await matches(stored, input.current)))
    throw new AppError('validation_failed', 'the current password is wrong', [
      { path: 'current_password', message: 'does not match' },
    ]);
  const passwordHash = await hash(input.next);
  await db.transaction(async (tx) => {
    await q.setPasswordHash(tx, p.userId!, passwordHash);
    await q.deleteSessions(tx, p.userId!, keepSessionToken);
  });
}

export async function userIdByEmail(db: Database, email: string): Promise<number | null> {
  return (await q.findUserByEmail(db, email.trim()))?.id ?? null;
}
