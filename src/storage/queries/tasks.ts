/**
 * Tasks on customers ("call back on Friday"), per customer and across the workspace. The
 * manager scope is in every statement's SQL (notes.ts `managerScope`).
 */
import type { Sql } from '../connect.ts';
import { type Actor, managerScope, ofCustomerOrMerged } from './notes.ts';

export interface TaskRecord {
  id: number;
  customerId: number;
  customerName: string | null;
  title: string;
  dueOn: string | null;
  dueAt: string | null;
  assigneeId: number | null;
  assigneeName: string | null;
  doneAt: string | null;
  doneByName: string | null;
  createdByName: string;
  createdAt: string;
  updatedAt: string;
}

type TaskRaw = {
  id: number;
  customer_id: number;
  customer_name: string | null;
  title: string;
  due_on: string | null;
  due_at: Date | string | null;
  assignee_staff_id: number | null;
  assignee_name: string | null;
  done_at: Date | string | null;
  done_by_name: string | null;
  created_by_name: string;
  created_at: Date | string;
  updated_at: Date | string;
};

const iso = (v: Date | string | null) => (v === null ? null : new Date(v).toISOString());

function toTask(r: TaskRaw): TaskRecord {
  return {
    id: r.id,
    customerId: r.customer_id,
    customerName: r.customer_name,
    title: r.title,
    dueOn: r.due_on,
    dueAt: iso(r.due_at),
    assigneeId: r.assignee_staff_id,
    assigneeName: r.assignee_name,
    doneAt: iso(r.done_at),
    doneByName: r.done_by_name,
    createdByName: r.created_by_name,
    createdAt: new Date(r.created_at).toISOString(),
    updatedAt: new Date(r.updated_at).toISOString(),
  };
}

/** Every task read goes through this shape: the task, its customer's name and the assignee's. */
const SELECT_TASKS = `SELECT t.id, COALESCE(cu.merged_into, t.customer_id) AS customer_id, cu.name AS customer_name, t.title, t.due_on, t.due_at,
       t.assignee_staff_id, s.name AS assignee_name, t.done_at, t.done_by_name, t.created_by_name,
       t.created_at, t.updated_at
  FROM customer_tasks t
  JOIN customers cu ON cu.workspace_id = t.workspace_id AND cu.id = t.customer_id
  LEFT JOIN staff s ON s.workspace_id = t.workspace_id AND s.id = t.assignee_staff_id`;

export type TaskState = 'open' | 'done' | 'all';

const stateClause = (state: TaskState) =>
  state === 'open' ? 'AND t.done_at IS NULL' : state === 'done' ? 'AND t.done_at IS NOT NULL' : '';

/** A customer's tasks: open ones first by due day (undated last), then done ones, newest first. */
export async function listCustomerTasks(
  sql: Sql,
  workspaceId: number,
  customerId: number,
  state: TaskState,
  limit: number,
): Promise<TaskRecord[]> {
  const rows = await sql.query<TaskRaw>(
    `${SELECT_TASKS}
      WHERE t.workspace_id = $1 AND ${ofCustomerOrMerged('t.customer_id', '$2')} AND t.deleted_at IS NULL
        ${stateClause(state)}
      ORDER BY (t.done_at IS NOT NULL), t.due_on ASC NULLS LAST, t.due_at ASC NULLS LAST, t.done_at DESC, t.id
      LIMIT $3`,
    [workspaceId, customerId, limit],
  );
  return rows.map(toTask);
}

export interface OpenTaskFilter {
  /** Due on or before this day (tasks without a due day are then left out). */
  dueBy: string | null;
  /** Due strictly before this day: overdue. */
  dueBefore: string | null;
  /** staff id, or 'none' for unassigned. */
  assignee: number | 'none' | null;
  /** Keyset: the last row of the previous page (due_on null sorts last). */
  after: { dueOn: string | null; id: number } | null;
  limit: number;
}

/** Open tasks across the workspace by due day (undated last), then id. */
export async function listOpenTasks(
  sql: Sql,
  workspaceId: number,
  filter: OpenTaskFilter,
  visibleManager: number | null,
): Promise<TaskRecord[]> {
  const params: unknown[] = [workspaceId];
  const where: string[] = [];
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  if (filter.dueBy !== null) where.push(`t.due_on <= ${p(filter.dueBy)}::date`);
  if (filter.dueBefore !== null) where.push(`t.due_on < ${p(filter.dueBefore)}::date`);
  if (filter.assignee === 'none') where.push('t.assignee_staff_id IS NULL');
  else if (filter.assignee !== null) where.push(`t.assignee_staff_id = ${p(filter.assignee)}`);
  if (filter.after) {
    const id = p(filter.after.id);
    where.push(
      filter.after.dueOn === null
        ? `(t.due_on IS NULL AND t.id > ${id})`
        : `(t.due_on > ${p(filter.after.dueOn)}::date OR (t.due_on = $${params.length}::date AND t.id > ${id}) OR t.due_on IS NULL)`,
    );
  }
  const scope = managerScope('t', params, visibleManager);
  const rows = await sql.query<TaskRaw>(
    `${SELECT_TASKS}
      WHERE t.workspace_id = $1 AND t.done_at IS NULL AND t.deleted_at IS NULL
        ${where.map((w) => `AND ${w}`).join(' ')} ${scope}
      ORDER BY t.due_on ASC NULLS LAST, t.id ASC LIMIT ${p(filter.limit)}`,
    params,
  );
  return rows.map(toTask);
}

export async function findTask(
  sql: Sql,
  workspaceId: number,
  customerId: number,
  taskId: number,
  visibleManager: number | null,
): Promise<TaskRecord | null> {
  const params: unknown[] = [workspaceId, customerId, taskId];
  const scope = managerScope('t', params, visibleManager);
  const rows = await sql.query<TaskRaw>(
    `${SELECT_TASKS}
      WHERE t.workspace_id = $1 AND ${ofCustomerOrMerged('t.customer_id', '$2')} AND t.id = $3
        AND t.deleted_at IS NULL ${scope}`,
    params,
  );
  return rows[0] ? toTask(rows[0]) : null;
}

export interface TaskWrite {
  title: string;
  dueOn: string | null;
  dueAt: string | null;
  assigneeId: number | null;
}

export async function insertTask(
  sql: Sql,
  workspaceId: number,
  customerId: number,
  task: TaskWrite,
  creator: Actor & { name: string },
): Promise<number> {
  const rows = await sql.query<{ id: number }>(
    `INSERT INTO customer_tasks (workspace_id, customer_id, title, due_on, due_at, assignee_staff_id,
                                 created_by_user_id, created_by_key_id, created_by_name)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
    [
      workspaceId,
      customerId,
      task.title,
      task.dueOn,
      task.dueAt,
      task.assigneeId,
      creator.userId,
      creator.keyId,
      creator.name,
    ],
  );
  return rows[0]!.id;
}

/** Writes the task's fields and its done state (`done`: null keeps it, true stamps now, false clears). */
export async function updateTask(
  sql: Sql,
  workspaceId: number,
  taskId: number,
  task: TaskWrite & { done: boolean | null; doneByName: string },
): Promise<void> {
  await sql.query(
    `UPDATE customer_tasks SET title = $3, due_on = $4, due_at = $5, assignee_staff_id = $6,
            done_at = CASE WHEN $7::boolean IS NULL THEN done_at
                           WHEN $7::boolean THEN COALESCE(done_at, now()) ELSE NULL END,
            done_by_name = CASE WHEN $7::boolean IS NULL THEN done_by_name
                                WHEN $7::boolean THEN COALESCE(done_by_name, $8) ELSE NULL END,
            updated_at = now()
      WHERE workspace_id = $1 AND id = $2`,
    [workspaceId, taskId, task.title, task.dueOn, task.dueAt, task.assigneeId, task.done, task.doneByName],
  );
}

export async function softDeleteTask(sql: Sql, workspaceId: number, taskId: number): Promise<void> {
  await sql.query(
    'UPDATE customer_tasks SET deleted_at = now(), updated_at = now() WHERE workspace_id = $1 AND id = $2',
    [workspaceId, taskId],
  );
}
