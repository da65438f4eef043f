/**
 * Tasks on customers ("call back on Friday"): a title, a due day in the workspace calendar
 * or a precise due time, an assignee (a staff member), done or open. Read with
 * `customers:read`, written with `customers:write`; a manager only on their own customers
 * (the scope is in the SQL), and "my tasks" are the ones assigned to their staff id.
 */
import { AppError } from '../../core/errors.ts';
import { utcToZonedDay } from '../../core/import/values.ts';
import type { Database } from '../../storage/connect.ts';
import { actorName } from '../../storage/queries/notes.ts';
import { staffExists } from '../../storage/queries/staff.ts';
import {
  findTask,
  insertTask,
  listCustomerTasks,
  listOpenTasks,
  softDeleteTask,
  type TaskRecord,
  type TaskState,
  updateTask,
} from '../../storage/queries/tasks.ts';
import { type FieldProblem, workspaceContext } from '../api/context.ts';
import { decodeCursor, encodeCursor, queryFingerprint } from '../api/cursor.ts';
import { failIfProblems } from '../api/customer-input.ts';
import { visibleCustomer } from '../api/get-customer-card.ts';
import { type Principal, requirePermission, visibleManager } from '../api/principal.ts';

export const TASK_TITLE_MAX = 500;
/** A customer's tasks come in one list (the card shows them all). */
const CUSTOMER_TASKS_LIMIT = 500;

export type Task = TaskRecord & { overdue: boolean };

function withOverdue(t: TaskRecord, today: string, now: Date): Task {
  const overdue =
    t.doneAt === null &&
    (t.dueAt !== null ? Date.parse(t.dueAt) < now.getTime() : t.dueOn !== null && t.dueOn < today);
  return { ...t, overdue };
}

export interface TaskInput {
  title?: string;
  /** YYYY-MM-DD in the workspace calendar; null clears. */
  dueOn?: string | null;
  /** ISO 8601 instant with offset; its day in the workspace zone becomes the due day. */
  dueAt?: string | null;
  assigneeId?: number | null;
  done?: boolean;
}

async function resolveFields(
  db: Database,
  principal: Principal,
  input: TaskInput,
  current: TaskRecord | null,
  timeZone: string,
) {
  const problems: FieldProblem[] = [];
  const title = input.title !== undefined ? input.title.trim() : (current?.title ?? '');
  if (title === '') problems.push({ path: 'title', message: 'give the task a title' });
  if (title.length > TASK_TITLE_MAX)
    problems.push({ path: 'title', message: `at most ${TASK_TITLE_MAX} characters` });
  if (input.dueOn != null && input.dueAt != null)
    problems.push({ path: 'due_at', message: 'give a due day or a due time, not both' });
  let dueOn = current?.dueOn ?? null;
  let dueAt = current?.dueAt ?? null;
  if (input.dueAt !== undefined) {
    if (input.dueAt === null) dueAt = null;
    else {
      const at = Date.parse(input.dueAt);
      if (Number.isNaN(at)) problems.push({ path: 'due_at', message: 'an ISO 8601 date-time' });
      else {
        dueAt = new Date(at).toISOString();
        dueOn = utcToZonedDay(at, timeZone);
      }
    }
    if (input.dueAt === null && input.dueOn === undefined) dueOn = null;
  }
  if (input.dueOn !== undefined) {
    dueOn = input.dueOn;
    if (input.dueAt === undefined) dueAt = null;
  }
  let assigneeId = current?.assigneeId ?? null;
  if (input.assigneeId !== undefined) assigneeId = input.assigneeId;
  else if (!current && principal.role === 'manager' && principal.managerStaffId !== null)
    // A manager's new task is theirs unless they say otherwise.
    assigneeId = principal.managerStaffId;
  if (
    input.assigneeId !== undefined &&
    assigneeId !== null &&
    !(await staffExists(db, principal.workspaceId, assigneeId))
  )
    problems.push({ path: 'assignee_id', message: `no staff member ${assigneeId}` });
  failIfProblems(problems);
  return { title, dueOn, dueAt, assigneeId };
}

export async function listTasksOfCustomer(
  db: Database,
  principal: Principal,
  customerId: number,
  state: TaskState,
  now = new Date(),
): Promise<Task[]> {
  requirePermission(principal, 'customers:read');
  await visibleCustomer(db, principal, customerId);
  const { today } = await workspaceContext(db, principal.workspaceId, now);
  const rows = await listCustomerTasks(db, principal.workspaceId, customerId, state, CUSTOMER_TASKS_LIMIT);
  return rows.map((t) => withOverdue(t, today, now));
}

export async function addTask(
  db: Database,
  principal: Principal,
  customerId: number,
  input: TaskInput,
  now = new Date(),
): Promise<Task> {
  requirePermission(principal, 'customers:write');
  const ws = principal.workspaceId;
  await visibleCustomer(db, principal, customerId);
  const { settings, today } = await workspaceContext(db, ws, now);
  const fields = await resolveFields(db, principal, input, null, settings.timezone);
  const actor = { userId: principal.userId, keyId: principal.keyId };
  const name = await actorName(db, ws, actor);
  const id = await db.transaction(async (tx) => {
    const id = await insertTask(tx, ws, customerId, fields, { ...actor, name });
    if (input.done) await updateTask(tx, ws, id, { ...fields, done: true, doneByName: name });
    return id;
  });
  return withOverdue((await findTask(db, ws, customerId, id, null))!, today, now);
}

async function visibleTask(db: Database, principal: Principal, customerId: number, taskId: number) {
  const t = await findTask(db, principal.workspaceId, customerId, taskId, visibleManager(principal));
  if (!t) throw new AppError('not_found', `no task ${taskId} on customer ${customerId}`);
  return t;
}

export async function changeTask(
  db: Database,
  principal: Principal,
  customerId: number,
  taskId: number,
  input: TaskInput,
  now = new Date(),
): Promise<Task> {
  requirePermission(principal, 'customers:write');
  const ws = principal.workspaceId;
  const current = await visibleTask(db, principal, customerId, taskId);
  const { settings, today } = await workspaceContext(db, ws, now);
  const fields = await resolveFields(db, principal, input, current, settings.timezone);
  const doneByName = await actorName(db, ws, { userId: principal.userId, keyId: principal.keyId });
  await updateTask(db, ws, taskId, { ...fields, done: input.done ?? null, doneByName });
  return withOverdue((await findTask(db, ws, customerId, taskId, null))!, today, now);
}

export async function removeTask(
  db: Database,
  principal: Principal,
  customerId: number,
  taskId: number,
): Promise<void> {
  requirePermission(principal, 'customers:write');
  await visibleTask(db, principal, customerId, taskId);
  await softDeleteTask(db, principal.workspaceId, taskId);
}

export interface OpenTasksQuery {
  /** Open tasks due on or before this day. */
  dueBy?: string;
  /** Only those due before today (workspace calendar). */
  overdue?: boolean;
  /** 'me' (the caller's staff id), a staff id, or 'none'. */
  assignee?: 'me' | 'none' | number;
  cursor?: string;
  limit: number;
}

/** Open tasks across the workspace (a manager: on their customers), by due day, keyset-paged. */
export async function listWorkspaceTasks(
  db: Database,
  principal: Principal,
  q: OpenTasksQuery,
  now = new Date(),
): Promise<{ items: Task[]; nextCursor: string | null; today: string }> {
  requirePermission(principal, 'customers:read');
  const { today } = await workspaceContext(db, principal.workspaceId, now);
  let assignee: number | 'none' | null = null;
  if (q.assignee === 'me') {
    if (principal.managerStaffId === null)
      throw new AppError('bad_usage', 'assignee=me needs a caller linked to a staff member (a manager)');
    assignee = principal.managerStaffId;
  } else if (q.assignee !== undefined) assignee = q.assignee;
  const fingerprint = queryFingerprint({ tasks: q.dueBy ?? null, o: q.overdue ?? false, a: assignee });
  const after = q.cursor ? decodeCursor(q.cursor, fingerprint) : null;
  const rows = await listOpenTasks(
    db,
    principal.workspaceId,
    {
      dueBy: q.dueBy ?? null,
      dueBefore: q.overdue ? today : null,
      assignee,
      after: after ? { dueOn: after.value === null ? null : String(after.value), id: after.id } : null,
      limit: q.limit + 1,
    },
    visibleManager(principal),
  );
  const items = rows.slice(0, q.limit).map((t) => withOverdue(t, today, now));
  const last = items.at(-1);
  return {
    items,
    nextCursor:
      rows.length > q.limit && last ? encodeCursor({ value: last.dueOn, id: last.id }, fingerprint) : null,
    today,
  };
}
