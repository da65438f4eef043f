/**
 * Notes and tasks on a customer's card, and outgoing webhooks (issue 4).
 *
 * Notes and tasks keep the author's display name as it was when written (a key or user can
 * be renamed or removed later; the card must still say who wrote what). Deleting is soft:
 * the row stays for the audit trail and is hidden from the card.
 *
 * Webhooks follow the outbox pattern: a change writes `webhook_events` and one
 * `webhook_deliveries` row per subscribed endpoint in the same transaction as the change
 * itself, and the delivery job sends them afterwards. Every attempt is kept in
 * `webhook_attempts` with its HTTP status (or error), so nothing fails silently.
 */
import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
} from 'drizzle-orm/pg-core';
import { createdAt, id, workspaceId } from '../columns.ts';

const ts = (name: string) => timestamp(name, { withTimezone: true });

export const customerNotes = pgTable(
  'customer_notes',
  {
    workspaceId: workspaceId(),
    id: id(),
    customerId: bigint('customer_id', { mode: 'number' }).notNull(),
    /** The signed-in user who wrote it, or the API key it came through (one of the two). */
    authorUserId: bigint('author_user_id', { mode: 'number' }),
    authorKeyId: bigint('author_key_id', { mode: 'number' }),
    /** The user's name or the key's name at the time of writing. */
    authorName: text('author_name').notNull(),
    /** Plain text; the API caps its length. */
    body: text('body').notNull(),
    createdAt: createdAt(),
    editedAt: ts('edited_at'),
    deletedAt: ts('deleted_at'),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    index('customer_notes_customer_idx').on(t.workspaceId, t.customerId, t.createdAt),
  ],
);

export const customerTasks = pgTable(
  'customer_tasks',
  {
    workspaceId: workspaceId(),
    id: id(),
    customerId: bigint('customer_id', { mode: 'number' }).notNull(),
    title: text('title').notNull(),
    /** The day it is due in the workspace calendar (also set, from due_at, for a timed task). */
    dueOn: date('due_on'),
    /** A precise due time, when the task has one ("call at 15:00"). */
    dueAt: ts('due_at'),
    /** staff.id of the person who should do it. */
    assigneeStaffId: bigint('assignee_staff_id', { mode: 'number' }),
    doneAt: ts('done_at'),
    doneByName: text('done_by_name'),
    createdByUserId: bigint('created_by_user_id', { mode: 'number' }),
    createdByKeyId: bigint('created_by_key_id', { mode: 'number' }),
    createdByName: text('created_by_name').notNull(),
    createdAt: createdAt(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
    deletedAt: ts('deleted_at'),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    index('customer_tasks_customer_idx').on(t.workspaceId, t.customerId, t.id),
    // "Open tasks due by a day": only open rows are indexed, so done ones cost nothing.
    index('customer_tasks_open_due_idx')
      .on(t.workspaceId, t.dueOn, t.id)
      .where(sql`done_at IS NULL AND deleted_at IS NULL`),
  ],
);

export const webhookSubscriptions = pgTable(
  'webhook_subscriptions',
  {
    workspaceId: workspaceId(),
    id: id(),
    url: text('url').notNull(),
    description: text('description'),
    /** Event types: order.created, order.cancelled, order.refunded, status.changed. */
    events: text('events').array().notNull(),
    /** The HMAC-SHA256 signing secret, sealed (app/webhooks/secret-box.ts); shown once. */
    secretSealed: text('secret_sealed').notNull(),
    enabled: boolean('enabled').notNull().default(true),
    /** Failed attempts in a row; reset by a success. */
    consecutiveFailures: integer('consecutive_failures').notNull().default(0),
    /** Set when the failures in a row reached the limit: deliveries pause until re-enabled. */
    failingSince: ts('failing_since'),
    lastSuccessAt: ts('last_success_at'),
    lastFailureAt: ts('last_failure_at'),
    createdAt: createdAt(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
    deletedAt: ts('deleted_at'),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.id] })],
);

/** The outbox: one row per event, written in the transaction of the change it reports. */
export const webhookEvents = pgTable(
  'webhook_events',
  {
    workspaceId: workspaceId(),
    id: id(),
    /** A UUID receivers can use to recognise the event across endpoints. */
    eventKey: text('event_key').notNull(),
    type: text('type').notNull(),
    data: jsonb('data').notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.id] })],
);

/** One event to one endpoint: retried with backoff until delivered or given up. */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    workspaceId: workspaceId(),
    id: id(),
    subscriptionId: bigint('subscription_id', { mode: 'number' }).notNull(),
    eventId: bigint('event_id', { mode: 'number' }).notNull(),
    /** Sent as the delivery id header, the same on every retry, so receivers can dedupe. */
    deliveryKey: text('delivery_key').notNull(),
    /** pending | delivered | failed (gave up after the last attempt) */
    status: text('status').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    maxAttempts: integer('max_attempts').notNull(),
    nextAttemptAt: ts('next_attempt_at').notNull().defaultNow(),
    /** A worker's lease: another worker leaves the row alone until then. */
    lockedUntil: ts('locked_until'),
    lastStatusCode: integer('last_status_code'),
    lastError: text('last_error'),
    deliveredAt: ts('delivered_at'),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    index('webhook_deliveries_subscription_idx').on(t.workspaceId, t.subscriptionId, t.id),
    index('webhook_deliveries_due_idx').on(t.workspaceId, t.nextAttemptAt).where(sql`status = 'pending'`),
  ],
);

/** Every HTTP attempt of a delivery: when, how it ended, how long it took. */
export const webhookAttempts = pgTable(
  'webhook_attempts',
  {
    workspaceId: workspaceId(),
    id: id(),
    deliveryId: bigint('delivery_id', { mode: 'number' }).notNull(),
    attemptedAt: ts('attempted_at').notNull(),
    /** The receiver's HTTP status, or null when there was no response (refused, timeout). */
    statusCode: integer('status_code'),
    error: text('error'),
    durationMs: integer('duration_ms').notNull(),
    /** The start of the receiver's response body, for troubleshooting. */
    responseExcerpt: text('response_excerpt'),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    index('webhook_attempts_delivery_idx').on(t.workspaceId, t.deliveryId, t.id),
  ],
);
