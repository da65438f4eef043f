/** API client for notes and tasks on customers, and outgoing webhooks. Types come from the contract. */
import type { z } from '@hono/zod-openapi';
import type * as N from '../../src/http/contract/notes.ts';
import type * as W from '../../src/http/contract/webhooks.ts';
import { json, send } from './api.ts';

export type Note = z.infer<typeof N.Note>;
export type NotePage = z.infer<typeof N.NotePage>;
export type Task = z.infer<typeof N.Task>;
export type TaskList = z.infer<typeof N.TaskList>;
export type TaskPage = z.infer<typeof N.TaskPage>;
export type TaskCreate = z.input<typeof N.TaskCreate>;
export type TaskPatch = z.input<typeof N.TaskPatch>;
export type Webhook = z.infer<typeof W.Webhook>;
export type WebhookWithSecret = z.infer<typeof W.WebhookWithSecret>;
export type WebhookCreate = z.input<typeof W.WebhookCreate>;
export type WebhookPatch = z.input<typeof W.WebhookPatch>;
export type WebhookDelivery = z.infer<typeof W.WebhookDelivery>;
export type WebhookDeliveryPage = z.infer<typeof W.WebhookDeliveryPage>;
export type WebhookEvent = (typeof W.WEBHOOK_EVENTS)[number];

// Restated so the bundle does not import zod; the annotation fails the build if the contract changes.
export const WEBHOOK_EVENTS: typeof W.WEBHOOK_EVENTS = [
  'order.created',
  'order.cancelled',
  'order.refunded',
  'status.changed',
];
export const NOTE_MAX_LENGTH: typeof N.NOTE_MAX_LENGTH = 5000;

type Opts = { signal?: AbortSignal | undefined };

export const notesApi = {
  notes: (customerId: number, q: { cursor?: string; limit?: number } = {}, o: Opts = {}) =>
    json<NotePage>(send('GET', `/api/customers/${customerId}/notes`, { query: q, ...o })),
  addNote: (customerId: number, body: string) =>
    json<Note>(send('POST', `/api/customers/${customerId}/notes`, { json: { body } })),
  editNote: (customerId: number, noteId: number, body: string) =>
    json<Note>(send('PATCH', `/api/customers/${customerId}/notes/${noteId}`, { json: { body } })),
  deleteNote: async (customerId: number, noteId: number) => {
    await send('DELETE', `/api/customers/${customerId}/notes/${noteId}`);
  },

  tasks: (customerId: number, o: Opts = {}) =>
    json<TaskList>(send('GET', `/api/customers/${customerId}/tasks`, { query: { state: 'all' }, ...o })),
  addTask: (customerId: number, task: TaskCreate) =>
    json<Task>(send('POST', `/api/customers/${customerId}/tasks`, { json: task })),
  patchTask: (customerId: number, taskId: number, patch: TaskPatch) =>
    json<Task>(send('PATCH', `/api/customers/${customerId}/tasks/${taskId}`, { json: patch })),
  deleteTask: async (customerId: number, taskId: number) => {
    await send('DELETE', `/api/customers/${customerId}/tasks/${taskId}`);
  },
  /** Open tasks across the workspace (a dashboard "tasks due" widget can use this). */
  openTasks: (
    q: {
      due_by?: string;
      overdue?: 'true';
      assignee?: 'me' | 'none' | number;
      cursor?: string;
      limit?: number;
    },
    o: Opts = {},
  ) => json<TaskPage>(send('GET', '/api/tasks', { query: q, ...o })),
};

export const webhooksApi = {
  list: (o: Opts = {}) => json<{ items: Webhook[] }>(send('GET', '/api/webhooks', o)),
  create: (body: WebhookCreate) => json<WebhookWithSecret>(send('POST', '/api/webhooks', { json: body })),
  patch: (id: number, body: WebhookPatch) =>
    json<WebhookWithSecret>(send('PATCH', `/api/webhooks/${id}`, { json: body })),
  remove: async (id: number) => {
    await send('DELETE', `/api/webhooks/${id}`);
  },
  deliveries: (id: number, q: { cursor?: string; limit?: number } = {}, o: Opts = {}) =>
    json<WebhookDeliveryPage>(send('GET', `/api/webhooks/${id}/deliveries`, { query: q, ...o })),
  test: (id: number) => json<WebhookDelivery>(send('POST', `/api/webhooks/${id}/test`)),
};
