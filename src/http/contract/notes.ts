/** The contract for notes and tasks on customers. */
import { z } from '@hono/zod-openapi';
import { DateTimeString, DayString } from './common.ts';

export const NOTE_MAX_LENGTH = 5000;
export const TASK_TITLE_MAX = 500;

export const Note = z
  .object({
    id: z.number().int(),
    customer_id: z.number().int(),
    body: z.string().openapi({ description: 'plain text' }),
    author: z.object({
      name: z.string().openapi({ description: "the user's or API key's name when written" }),
      user_id: z.number().int().nullable(),
      key_id: z.number().int().nullable(),
    }),
    created_at: DateTimeString,
    edited_at: DateTimeString.nullable(),
    can_edit: z.boolean().openapi({ description: 'the caller wrote it (or is an owner)' }),
  })
  .openapi('Note');

export const NotePage = z
  .object({ items: z.array(Note), next_cursor: z.string().nullable() })
  .openapi('NotePage');

export const NoteInput = z
  .object({ body: z.string().min(1).max(NOTE_MAX_LENGTH).openapi({ example: 'Prefers morning visits' }) })
  .openapi('NoteInput');

export const NoteListQuery = z.object({
  cursor: z.string().max(500).optional().openapi({ description: 'next_cursor of the previous page' }),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const CustomerNoteParams = z.object({
  id: z.coerce
    .number()
    .int()
    .positive()
    .openapi({ param: { name: 'id', in: 'path' }, example: 42 }),
  noteId: z.coerce
    .number()
    .int()
    .positive()
    .openapi({ param: { name: 'noteId', in: 'path' }, example: 7 }),
});

export const CustomerTaskParams = z.object({
  id: z.coerce
    .number()
    .int()
    .positive()
    .openapi({ param: { name: 'id', in: 'path' }, example: 42 }),
  taskId: z.coerce
    .number()
    .int()
    .positive()
    .openapi({ param: { name: 'taskId', in: 'path' }, example: 3 }),
});

export const Task = z
  .object({
    id: z.number().int(),
    customer: z.object({ id: z.number().int(), name: z.string().nullable() }),
    title: z.string(),
    due_on: DayString.nullable().openapi({ description: 'due day in the workspace calendar' }),
    due_at: DateTimeString.nullable().openapi({ description: 'precise due time, when set' }),
    assignee: z.object({ id: z.number().int(), name: z.string() }).nullable(),
    done: z.boolean(),
    done_at: DateTimeString.nullable(),
    done_by: z.string().nullable(),
    overdue: z.boolean(),
    created_by: z.string(),
    created_at: DateTimeString,
    updated_at: DateTimeString,
  })
  .openapi('Task');

export const TaskList = z.object({ items: z.array(Task) }).openapi('TaskList');

export const TaskPage = z
  .object({
    items: z.array(Task),
    next_cursor: z.string().nullable(),
    today: DayString.openapi({
      description: 'today in the workspace calendar (what "overdue" is measured against)',
    }),
  })
  .openapi('TaskPage');

const taskFields = {
  title: z.string().min(1).max(TASK_TITLE_MAX).openapi({ example: 'Call about the spring offer' }),
  due_on: DayString.nullable().optional(),
  due_at: z.iso
    .datetime({ offset: true })
    .nullable()
    .optional()
    .openapi({ description: 'ISO 8601 with offset; sets due_on to its workspace-calendar day' }),
  assignee_id: z.number().int().positive().nullable().optional().openapi({ description: 'staff id' }),
  done: z.boolean().optional(),
};

export const TaskCreate = z.object(taskFields).openapi('TaskCreate');
export const TaskPatch = z.object({ ...taskFields, title: taskFields.title.optional() }).openapi('TaskPatch');

export const CustomerTaskQuery = z.object({
  state: z.enum(['open', 'done', 'all']).default('all'),
});

export const OpenTaskQuery = z.object({
  due_by: DayString.optional().openapi({ description: 'open tasks due on or before this day' }),
  overdue: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => v === 'true')
    .openapi({ description: 'only tasks due before today' }),
  assignee: z
    .union([z.literal('me'), z.literal('none'), z.coerce.number().int().positive()])
    .optional()
    .openapi({
      type: 'string',
      description: '"me" (a manager\'s own), "none", or a staff id',
      example: 'me',
    }),
  cursor: z.string().max(500).optional().openapi({ description: 'next_cursor of the previous page' }),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export type NoteJson = z.infer<typeof Note>;
export type NotePageJson = z.infer<typeof NotePage>;
export type TaskJson = z.infer<typeof Task>;
export type TaskPageJson = z.infer<typeof TaskPage>;
export type TaskCreateJson = z.input<typeof TaskCreate>;
export type TaskPatchJson = z.input<typeof TaskPatch>;
