/**
 * Notes and tasks on customers:
 * - /api/customers/{id}/notes (GET customers:read; POST customers:write), /notes/{noteId}
 *   (PATCH, DELETE: customers:write, and only the author or an owner);
 * - /api/customers/{id}/tasks (GET customers:read; POST customers:write), /tasks/{taskId}
 *   (PATCH, DELETE: customers:write);
 * - /api/tasks: open tasks across the workspace (customers:read).
 * A manager reaches only their own customers' notes and tasks (404 otherwise).
 */
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { addNote, deleteNote, editNote, listCustomerNotes, type NoteRecord } from '../../app/notes/notes.ts';
import {
  type Task as AppTask,
  addTask,
  changeTask,
  listTasksOfCustomer,
  listWorkspaceTasks,
  removeTask,
  type TaskInput,
} from '../../app/notes/tasks.ts';
import { errors, IdParam, json, Security } from '../contract/common.ts';
import {
  CustomerNoteParams,
  CustomerTaskParams,
  CustomerTaskQuery,
  Note,
  NoteInput,
  type NoteJson,
  NoteListQuery,
  NotePage,
  OpenTaskQuery,
  Task,
  TaskCreate,
  type TaskJson,
  TaskList,
  TaskPage,
  TaskPatch,
} from '../contract/notes.ts';
import type { ApiDeps, ApiEnv } from '../env.ts';

const tags = ['notes and tasks'];
const body = <T>(schema: T) => ({ body: { required: true, content: { 'application/json': { schema } } } });
const noContent = { 204: { description: 'Deleted' } };

const presentNote = (n: NoteRecord & { mine: boolean }): NoteJson => ({
  id: n.id,
  customer_id: n.customerId,
  body: n.body,
  author: { name: n.authorName, user_id: n.authorUserId, key_id: n.authorKeyId },
  created_at: n.createdAt,
  edited_at: n.editedAt,
  can_edit: n.mine,
});

const presentTask = (t: AppTask): TaskJson => ({
  id: t.id,
  customer: { id: t.customerId, name: t.customerName },
  title: t.title,
  due_on: t.dueOn,
  due_at: t.dueAt,
  assignee: t.assigneeId === null ? null : { id: t.assigneeId, name: t.assigneeName ?? '' },
  done: t.doneAt !== null,
  done_at: t.doneAt,
  done_by: t.doneByName,
  overdue: t.overdue,
  created_by: t.createdByName,
  created_at: t.createdAt,
  updated_at: t.updatedAt,
});

function taskInput(b: {
  title?: string | undefined;
  due_on?: string | null | undefined;
  due_at?: string | null | undefined;
  assignee_id?: number | null | undefined;
  done?: boolean | undefined;
}): TaskInput {
  return {
    ...(b.title !== undefined ? { title: b.title } : {}),
    ...(b.due_on !== undefined ? { dueOn: b.due_on } : {}),
    ...(b.due_at !== undefined ? { dueAt: b.due_at } : {}),
    ...(b.assignee_id !== undefined ? { assigneeId: b.assignee_id } : {}),
    ...(b.done !== undefined ? { done: b.done } : {}),
  };
}

const notesList = createRoute({
  method: 'get',
  path: '/api/customers/{id}/notes',
  tags,
  security: Security,
  summary: "A customer's notes, newest first (cursor-paged)",
  request: { params: IdParam, query: NoteListQuery },
  responses: { 200: json(NotePage, 'Notes'), ...errors(400, 404, 422) },
});
const noteCreate = createRoute({
  method: 'post',
  path: '/api/customers/{id}/notes',
  tags,
  security: Security,
  summary: 'Add a note (plain text) to a customer; it appears on the card timeline',
  request: { params: IdParam, ...body(NoteInput) },
  responses: { 201: json(Note, 'Added'), ...errors(400, 404, 422) },
});
const noteEdit = createRoute({
  method: 'patch',
  path: '/api/customers/{id}/notes/{noteId}',
  tags,
  security: Security,
  summary: 'Edit a note (its author or an owner)',
  request: { params: CustomerNoteParams, ...body(NoteInput) },
  responses: { 200: json(Note, 'Edited'), ...errors(400, 404, 422) },
});
const noteDelete = createRoute({
  method: 'delete',
  path: '/api/customers/{id}/notes/{noteId}',
  tags,
  security: Security,
  summary: 'Delete a note (its author or an owner); kept hidden for the record',
  request: { params: CustomerNoteParams },
  responses: { ...noContent, ...errors(404, 422) },
});
const tasksList = createRoute({
  method: 'get',
  path: '/api/customers/{id}/tasks',
  tags,
  security: Security,
  summary: "A customer's tasks: open ones by due day, then done ones",
  request: { params: IdParam, query: CustomerTaskQuery },
  responses: { 200: json(TaskList, 'Tasks'), ...errors(404, 422) },
});
const taskCreate = createRoute({
  method: 'post',
  path: '/api/customers/{id}/tasks',
  tags,
  security: Security,
  summary: 'Add a task: a due day or time, an assignee (a manager’s own task by default)',
  request: { params: IdParam, ...body(TaskCreate) },
  responses: { 201: json(Task, 'Added'), ...errors(400, 404, 422) },
});
const taskPatch = createRoute({
  method: 'patch',
  path: '/api/customers/{id}/tasks/{taskId}',
  tags,
  security: Security,
  summary: 'Change a task, or mark it done (done: true) or open again (done: false)',
  request: { params: CustomerTaskParams, ...body(TaskPatch) },
  responses: { 200: json(Task, 'Changed'), ...errors(400, 404, 422) },
});
const taskDelete = createRoute({
  method: 'delete',
  path: '/api/customers/{id}/tasks/{taskId}',
  tags,
  security: Security,
  summary: 'Delete a task',
  request: { params: CustomerTaskParams },
  responses: { ...noContent, ...errors(404, 422) },
});
const openTasks = createRoute({
  method: 'get',
  path: '/api/tasks',
  tags,
  security: Security,
  summary:
    'Open tasks across the workspace by due day (undated last): due by a day, overdue, "my tasks" (assignee=me); a manager sees only tasks on their customers',
  request: { query: OpenTaskQuery },
  responses: { 200: json(TaskPage, 'Open tasks'), ...errors(400, 422) },
});

export function registerNoteRoutes(app: OpenAPIHono<ApiEnv>, deps: ApiDeps): void {
  const { db } = deps;

  app.openapi(notesList, async (c) => {
    const { id } = c.req.valid('param');
    const q = c.req.valid('query');
    const page = await listCustomerNotes(db, c.get('principal'), id, {
      limit: q.limit,
      ...(q.cursor !== undefined ? { cursor: q.cursor } : {}),
    });
    return c.json({ items: page.items.map(presentNote), next_cursor: page.nextCursor }, 200);
  });

  app.openapi(noteCreate, async (c) => {
    const { id } = c.req.valid('param');
    const note = await addNote(db, c.get('principal'), id, c.req.valid('json').body);
    c.header('Location', `/api/customers/${id}/notes/${note.id}`);
    return c.json(presentNote(note), 201);
  });

  app.openapi(noteEdit, async (c) => {
    const { id, noteId } = c.req.valid('param');
    return c.json(
      presentNote(await editNote(db, c.get('principal'), id, noteId, c.req.valid('json').body)),
      200,
    );
  });

  app.openapi(noteDelete, async (c) => {
    const { id, noteId } = c.req.valid('param');
    await deleteNote(db, c.get('principal'), id, noteId);
    return c.body(null, 204);
  });

  app.openapi(tasksList, async (c) => {
    const { id } = c.req.valid('param');
    const tasks = await listTasksOfCustomer(db, c.get('principal'), id, c.req.valid('query').state);
    return c.json({ items: tasks.map(presentTask) }, 200);
  });

  app.openapi(taskCreate, async (c) => {
    const { id } = c.req.valid('param');
    const task = await addTask(db, c.get('principal'), id, taskInput(c.req.valid('json')));
    c.header('Location', `/api/customers/${id}/tasks/${task.id}`);
    return c.json(presentTask(task), 201);
  });

  app.openapi(taskPatch, async (c) => {
    const { id, taskId } = c.req.valid('param');
    const task = await changeTask(db, c.get('principal'), id, taskId, taskInput(c.req.valid('json')));
    return c.json(presentTask(task), 200);
  });

  app.openapi(taskDelete, async (c) => {
    const { id, taskId } = c.req.valid('param');
    await removeTask(db, c.get('principal'), id, taskId);
    return c.body(null, 204);
  });

  app.openapi(openTasks, async (c) => {
    const q = c.req.valid('query');
    const page = await listWorkspaceTasks(db, c.get('principal'), {
      limit: q.limit,
      ...(q.due_by !== undefined ? { dueBy: q.due_by } : {}),
      ...(q.overdue ? { overdue: true } : {}),
      ...(q.assignee !== undefined ? { assignee: q.assignee } : {}),
      ...(q.cursor !== undefined ? { cursor: q.cursor } : {}),
    });
    return c.json(
      { items: page.items.map(presentTask), next_cursor: page.nextCursor, today: page.today },
      200,
    );
  });
}
