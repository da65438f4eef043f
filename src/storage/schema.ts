/**
 * The database schema: the single source of truth. drizzle-kit generates the SQL
 * migrations in ./migrations from this file; never edit a generated migration.
 *
 * Invariant: every table carries `workspace_id`, and it leads every primary key and
 * every index, so the schema can be distributed by workspace (Citus) unchanged.
 * Money is `numeric(18,2)` (exact); times are `timestamptz` (UTC); a calendar day in
 * the workspace time zone is a `date`, computed once at write time.
 */
import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  date,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

import { createdAt, id, money, workspaceId } from './columns.ts';

// Tables of later capabilities live in ./tables, one file each, and are re-exported here so
// drizzle-kit and the queries see one schema.
export * from './tables/auth.ts';
export * from './tables/name-words.ts';
export * from './tables/notes-webhooks.ts';
export * from './tables/predictions.ts';
export * from './tables/report-versions.ts';
export * from './tables/segments.ts';

export const workspaces = pgTable('workspaces', {
  workspaceId: bigint('workspace_id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
  name: text('name').notNull().unique(),
  createdAt: createdAt(),
});

/** Key → JSON value; keys and value shapes are validated by core/settings. */
export const settings = pgTable(
  'settings',
  {
    workspaceId: workspaceId(),
    key: text('key').notNull(),
    value: jsonb('value').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.key] })],
);

export const customers = pgTable(
  'customers',
  {
    workspaceId: workspaceId(),
    id: id(),
    name: text('name'),
    birthday: date('birthday'),
    gender: text('gender'),
    need: text('need'),
    source: text('source'),
    preferredChannel: text('preferred_channel'),
    managerId: bigint('manager_id', { mode: 'number' }),
    tags: text('tags').array().notNull().default(sql`'{}'::text[]`),
    custom: jsonb('custom').notNull().default(sql`'{}'::jsonb`),
    /** Set when this customer was merged into another; such rows are hidden from lists. */
    mergedInto: bigint('merged_into', { mode: 'number' }),
    // Per-customer aggregates, kept in step with orders in the same transaction
    // (purchase = completed order with amount > 0).
    firstPurchaseOn: date('first_purchase_on'),
    /** The customer's first purchase (earliest by time, then arrival): the one primary order. */
    firstOrderId: bigint('first_order_id', { mode: 'number' }),
    lastPurchaseOn: date('last_purchase_on'),
    purchaseDays: integer('purchase_days').notNull().default(0),
    purchases: integer('purchases').notNull().default(0),
    revenue: money('revenue').notNull().default('0'),
    /** Median of the customer's own intervals (days) when they have ≥ 2 intervals. */
    ownCycleDays: numeric('own_cycle_days', { precision: 10, scale: 1 }),
    /** C_c: own cycle, else the workspace cycle. */
    cycleDays: numeric('cycle_days', { precision: 10, scale: 1 }),
    nextExpectedOn: date('next_expected_on'),
    status: text('status').notNull().default('lead'),
    statusSince: date('status_since'),
    /** A status set by hand (e.g. lost after a complaint); cleared by the next purchase. */
    manualStatus: text('manual_status'),
    manualStatusAt: timestamp('manual_status_at', { withTimezone: true }),
    /** R, F, M values and scores as of `aggregates_as_of`. */
    recencyDays: integer('recency_days'),
    rScore: smallint('r_score'),
    fScore: smallint('f_score'),
    mScore: smallint('m_score'),
    rfmSegment: text('rfm_segment'),
    cvmStage: text('cvm_stage'),
    /** The day statuses and scores were evaluated for. */
    aggregatesAsOf: date('aggregates_as_of'),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    index('customers_status_idx').on(t.workspaceId, t.status),
    index('customers_segment_idx').on(t.workspaceId, t.rfmSegment),
    // Keyset pagination: every sortable column of the customer list ends in id.
    index('customers_next_expected_idx').on(t.workspaceId, t.nextExpectedOn, t.id),
    index('customers_last_purchase_idx').on(t.workspaceId, t.lastPurchaseOn, t.id),
    index('customers_revenue_idx').on(t.workspaceId, t.revenue, t.id),
    index('customers_purchases_idx').on(t.workspaceId, t.purchases, t.id),
    index('customers_name_idx').on(t.workspaceId, t.name, t.id),
    // Name search reads customer_name_words (tables/name-words.ts); the trigram index of
    // 0008_search.sql went with substring search in 0011_name_words.sql. A search of several
    // words whose customers rarely meet intersects their lists here: GIN over the name's folded
    // words, each key prefixed with the workspace id ("7:анна"), so a workspace's lists hold only
    // its own customers (queries/name-search.ts; the function is in 0012_name_keys.sql).
    index('customers_name_keys_idx').using('gin', sql`customer_name_keys(${t.workspaceId}, ${t.name})`),
    index('customers_manager_idx').on(t.workspaceId, t.managerId),
  ],
);

/**
 * Every way to recognise a person: kind ∈ external | phone (E.164) | email
 * (lower-cased) | telegram | whatsapp | vk | max. Unique per workspace, so one
 * identifier can never belong to two customers.
 */
export const customerIdentifiers = pgTable(
  'customer_identifiers',
  {
    workspaceId: workspaceId(),
    kind: text('kind').notNull(),
    value: text('value').notNull(),
    customerId: bigint('customer_id', { mode: 'number' }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.kind, t.value] }),
    // A customer's identifiers in the order every reader wants them (first phone, first e-mail
    // of a list page: kind, then oldest), so "the first phone" is one index-only probe, not a
    // scan of the customer's rows and a sort (a search page reads 25 % fewer buffers).
    index('customer_identifiers_customer_kind_idx').on(
      t.workspaceId,
      t.customerId,
      t.kind,
      t.createdAt,
      t.value,
    ),
  ],
);

export const categories = pgTable(
  'categories',
  { workspaceId: workspaceId(), id: id(), name: text('name').notNull(), createdAt: createdAt() },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    uniqueIndex('categories_name_idx').on(t.workspaceId, t.name),
  ],
);

export const products = pgTable(
  'products',
  {
    workspaceId: workspaceId(),
    id: id(),
    name: text('name').notNull(),
    categoryId: bigint('category_id', { mode: 'number' }),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    uniqueIndex('products_name_idx').on(t.workspaceId, t.name),
  ],
);

export const staff = pgTable(
  'staff',
  { workspaceId: workspaceId(), id: id(), name: text('name').notNull(), createdAt: createdAt() },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    uniqueIndex('staff_name_idx').on(t.workspaceId, t.name),
  ],
);

export const branches = pgTable(
  'branches',
  { workspaceId: workspaceId(), id: id(), name: text('name').notNull(), createdAt: createdAt() },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    uniqueIndex('branches_name_idx').on(t.workspaceId, t.name),
  ],
);

/**
 * Receipts, visits, online orders, packages. `order_key` is the order's identity:
 * `x:` + the source's order id, or `c:` + a content key when the source has none,
 * so importing one file twice adds nothing. The identity column `id` also records
 * arrival order (ties on the same instant are ordered by it).
 * `customer_id` is null for an anonymous receipt (a walk-in sale with no customer):
 * kept and shown, never counted in customer metrics.
 */
export const orders = pgTable(
  'orders',
  {
    workspaceId: workspaceId(),
    id: id(),
    orderKey: text('order_key').notNull(),
    externalId: text('external_id'),
    customerId: bigint('customer_id', { mode: 'number' }),
    orderedAt: timestamp('ordered_at', { withTimezone: true }).notNull(),
    /** Calendar day of `ordered_at` in the workspace time zone. */
    orderedOn: date('ordered_on').notNull(),
    amount: money('amount').notNull(),
    cost: money('cost'),
    status: text('status').notNull().default('completed'),
    channel: text('channel'),
    source: text('source'),
    staffId: bigint('staff_id', { mode: 'number' }),
    branchId: bigint('branch_id', { mode: 'number' }),
    importBatchId: bigint('import_batch_id', { mode: 'number' }),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    uniqueIndex('orders_key_idx').on(t.workspaceId, t.orderKey),
    index('orders_customer_idx').on(t.workspaceId, t.customerId, t.orderedAt),
    index('orders_ordered_on_idx').on(t.workspaceId, t.orderedOn),
  ],
);

export const orderLines = pgTable(
  'order_lines',
  {
    workspaceId: workspaceId(),
    orderId: bigint('order_id', { mode: 'number' }).notNull(),
    lineNo: integer('line_no').notNull(),
    productId: bigint('product_id', { mode: 'number' }),
    item: text('item'),
    categoryId: bigint('category_id', { mode: 'number' }),
    quantity: numeric('quantity', { precision: 14, scale: 3 }).notNull().default('1'),
    unitPrice: numeric('unit_price', { precision: 18, scale: 4 }),
    amount: money('amount').notNull(),
    staffId: bigint('staff_id', { mode: 'number' }),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.orderId, t.lineNo] })],
);

/** One run of an import; a re-run of an unfinished batch of the same file resumes it. */
export const importBatches = pgTable(
  'import_batches',
  {
    workspaceId: workspaceId(),
    id: id(),
    kind: text('kind').notNull(),
    fileName: text('file_name').notNull(),
    fileHash: text('file_hash').notNull(),
    options: jsonb('options').notNull().default(sql`'{}'::jsonb`),
    status: text('status').notNull().default('running'),
    /** Last source line whose effects are committed; a resumed run skips up to it. */
    lastLine: integer('last_line').notNull().default(1),
    rows: integer('rows').notNull().default(0),
    imported: integer('imported').notNull().default(0),
    skipped: integer('skipped').notNull().default(0),
    rejectedCount: integer('rejected_count').notNull().default(0),
    customersCreated: integer('customers_created').notNull().default(0),
    customersMatched: integer('customers_matched').notNull().default(0),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    index('import_batches_file_idx').on(t.workspaceId, t.fileHash, t.kind),
  ],
);

export const importRejects = pgTable(
  'import_rejects',
  {
    workspaceId: workspaceId(),
    batchId: bigint('batch_id', { mode: 'number' }).notNull(),
    line: integer('line').notNull(),
    column: text('column'),
    reason: text('reason').notNull(),
    raw: text('raw'),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.batchId, t.line] })],
);

/**
 * The customer timeline: orders, status changes, returns, notes, field conflicts
 * (an import offered a different value than the one kept), merges. Append-only.
 */
export const events = pgTable(
  'events',
  {
    workspaceId: workspaceId(),
    id: id(),
    customerId: bigint('customer_id', { mode: 'number' }).notNull(),
    type: text('type').notNull(),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull().defaultNow(),
    data: jsonb('data').notNull().default(sql`'{}'::jsonb`),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    index('events_customer_idx').on(t.workspaceId, t.customerId, t.occurredAt),
  ],
);

/** Every lifecycle status change: from, to, the day it took effect, and why. */
export const statusHistory = pgTable(
  'status_history',
  {
    workspaceId: workspaceId(),
    id: id(),
    customerId: bigint('customer_id', { mode: 'number' }).notNull(),
    fromStatus: text('from_status'),
    toStatus: text('to_status').notNull(),
    changedOn: date('changed_on').notNull(),
    reason: text('reason').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    index('status_history_customer_idx').on(t.workspaceId, t.customerId, t.changedOn),
  ],
);

/**
 * Workspace-wide state of the analytics: the histogram of all purchase intervals (so the
 * learned cycle C_w, a median, stays exact as orders arrive) and the RFM cut points of the
 * last full evaluation (a customer's new order is scored against them until the next).
 */
export const workspaceStats = pgTable('workspace_stats', {
  workspaceId: bigint('workspace_id', { mode: 'number' }).primaryKey(),
  asOf: date('as_of'),
  intervalHistogram: jsonb('interval_histogram').notNull().default(sql`'{}'::jsonb`),
  rfmCutPoints: jsonb('rfm_cut_points'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** KPI targets with a deadline ("repeat_share_revenue 0.6 by 2027-06-30"). */
export const targets = pgTable(
  'targets',
  {
    workspaceId: workspaceId(),
    id: id(),
    metric: text('metric').notNull(),
    value: numeric('value', { precision: 18, scale: 4 }).notNull(),
    deadline: date('deadline').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    uniqueIndex('targets_metric_idx').on(t.workspaceId, t.metric, t.deadline),
  ],
);

/**
 * API keys: a bearer secret for integrations (and, until sessions exist, for the web app).
 * Only the SHA-256 of the secret is stored; the token names its workspace and key id
 * (`cbk_<workspace>_<id>_<secret>`), so it is found by primary key without a global index.
 * `scopes` narrows the role's permissions (null = all of the role's); revoked keys stay.
 */
export const apiKeys = pgTable(
  'api_keys',
  {
    workspaceId: workspaceId(),
    id: id(),
    name: text('name').notNull(),
    secretHash: text('secret_hash').notNull(),
    /** owner | marketer | manager | viewer */
    role: text('role').notNull(),
    /** For a manager: the staff member whose customers the key sees. */
    managerStaffId: bigint('manager_staff_id', { mode: 'number' }),
    /** The user the key acts for, once users exist; null for an integration key. */
    userId: bigint('user_id', { mode: 'number' }),
    scopes: text('scopes').array(),
    createdAt: createdAt(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.id] })],
);

/**
 * Idempotency keys of write requests: the request's fingerprint and, once done, the
 * response to replay. A row without a response is a request still in flight.
 */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    workspaceId: workspaceId(),
    key: text('key').notNull(),
    operation: text('operation').notNull(),
    fingerprint: text('fingerprint').notNull(),
    statusCode: integer('status_code'),
    response: jsonb('response'),
    createdAt: createdAt(),
    completedAt: timestamp('completed_at', { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.key] })],
);

/**
 * A merge of one customer into another, with exactly what moved (order, identifier and
 * event ids, fields filled on the survivor) so that undo can put it back.
 */
export const customerMerges = pgTable(
  'customer_merges',
  {
    workspaceId: workspaceId(),
    id: id(),
    sourceId: bigint('source_id', { mode: 'number' }).notNull(),
    targetId: bigint('target_id', { mode: 'number' }).notNull(),
    moved: jsonb('moved').notNull(),
    createdAt: createdAt(),
    undoneAt: timestamp('undone_at', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    index('customer_merges_target_idx').on(t.workspaceId, t.targetId),
  ],
);

// ---------------------------------------------------------------------------------------
// Messaging (PRODUCT.md C7): consent, channel settings, campaigns, the outbox.

/**
 * The consent ledger: append-only, one row per grant or withdrawal of a (channel, purpose)
 * for a customer. Never updated or deleted; the state at an instant is read from the rows up
 * to it (core/messaging/consent.ts), so every send can say which entry allowed it.
 */
export const consents = pgTable(
  'consents',
  {
    workspaceId: workspaceId(),
    id: id(),
    customerId: bigint('customer_id', { mode: 'number' }).notNull(),
    channel: text('channel').notNull(),
    /** transactional | marketing */
    purpose: text('purpose').notNull(),
    /** granted | withdrawn */
    action: text('action').notNull(),
    /** import | form | api | reply_stop | unsubscribe_link | manual */
    source: text('source').notNull(),
    /** When the customer granted or withdrew (not when it was recorded). */
    at: timestamp('at', { withTimezone: true }).notNull(),
    wordingVersion: text('wording_version'),
    actor: text('actor').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    index('consents_customer_idx').on(t.workspaceId, t.customerId, t.at),
  ],
);

/**
 * One provider per channel and workspace. `config` holds the settings that are not secret;
 * `secrets` the others (tokens, passwords), AES-256-GCM encrypted with the instance key and
 * bound to (workspace, channel), so a copied row does not decrypt elsewhere.
 */
export const channelConfigs = pgTable(
  'channel_configs',
  {
    workspaceId: workspaceId(),
    /** email | sms | telegram | whatsapp | vk | max | webhook */
    channel: text('channel').notNull(),
    /** smtp | sms-ru | twilio | telegram | whatsapp | vk | max | webhook | log */
    provider: text('provider').notNull(),
    enabled: boolean('enabled').notNull().default(true),
    config: jsonb('config').notNull().default(sql`'{}'::jsonb`),
    secrets: text('secrets'),
    /** Price of one message (one SMS segment) in minor units; null = free. */
    costMinor: integer('cost_minor'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.channel] })],
);

/** The workspace's routing and contact budget: the cascade, caps and quiet hours. */
export const messagingSettings = pgTable('messaging_settings', {
  workspaceId: bigint('workspace_id', { mode: 'number' }).primaryKey(),
  cascade: text('cascade').array().notNull(),
  /** core/messaging/budget.ts BudgetRules */
  budget: jsonb('budget').notNull(),
  maxCostMinor: integer('max_cost_minor'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * A campaign: who (audience: lifecycle statuses, RFM segments or a customer filter), why
 * (purpose), what (a template per channel), how (channel policy), when (schedule, expiry).
 * `variant` and `holdout_share` are the experiment hooks: a holdout customer gets a skipped
 * message with reason `holdout`, so uplift can be measured against them.
 */
export const campaigns = pgTable(
  'campaigns',
  {
    workspaceId: workspaceId(),
    id: id(),
    name: text('name').notNull(),
    audience: jsonb('audience').notNull(),
    purpose: text('purpose').notNull(),
    templates: jsonb('templates').notNull(),
    channelPolicy: jsonb('channel_policy').notNull().default(sql`'{}'::jsonb`),
    /** Extra template variables (business.booking_url, slots, …). */
    context: jsonb('context').notNull().default(sql`'{}'::jsonb`),
    scheduleAt: timestamp('schedule_at', { withTimezone: true }),
    /** Hours after the scheduled time after which an unsent message is skipped as expired. */
    expiresAfterHours: integer('expires_after_hours'),
    priority: integer('priority').notNull().default(0),
    /** draft | sent | cancelled */
    status: text('status').notNull().default('draft'),
    variant: text('variant'),
    holdoutShare: numeric('holdout_share', { precision: 5, scale: 4 }),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp('sent_at', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    index('campaigns_status_idx').on(t.workspaceId, t.status),
  ],
);

/**
 * The outbox: one row per message to one customer on one channel. `idempotency_key` is
 * unique per workspace (a campaign sent twice adds nothing) and is the provider's dedupe key.
 * status: queued | deferred | sending | sent | delivered | opened | clicked | replied |
 * failed | skipped. A message is due when queued or deferred and `send_after` has passed;
 * `sending` rows are claimed by attempt number `attempts` until `lease_until`. A cascade to
 * the next channel is a new row with `parent_id` set.
 */
export const messages = pgTable(
  'messages',
  {
    workspaceId: workspaceId(),
    id: id(),
    idempotencyKey: text('idempotency_key').notNull(),
    customerId: bigint('customer_id', { mode: 'number' }).notNull(),
    campaignId: bigint('campaign_id', { mode: 'number' }),
    parentId: bigint('parent_id', { mode: 'number' }),
    /** Null for a message skipped before any channel could be chosen. */
    channel: text('channel'),
    purpose: text('purpose').notNull(),
    status: text('status').notNull(),
    address: text('address'),
    sendAfter: timestamp('send_after', { withTimezone: true }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    attempts: integer('attempts').notNull().default(0),
    leaseUntil: timestamp('lease_until', { withTimezone: true }),
    /** Set when a worker took the current attempt; a second worker for it backs off. */
    pickedAt: timestamp('picked_at', { withTimezone: true }),
    providerMessageId: text('provider_message_id'),
    costMinor: integer('cost_minor'),
    reason: text('reason'),
    /** The message's own template when it has no campaign (a test send, an API message). */
    template: jsonb('template'),
    variant: text('variant'),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    uniqueIndex('messages_idempotency_idx').on(t.workspaceId, t.idempotencyKey),
    index('messages_due_idx')
      .on(t.workspaceId, t.sendAfter)
      .where(sql`status IN ('queued', 'deferred', 'sending')`),
    index('messages_customer_idx').on(t.workspaceId, t.customerId, t.sendAfter),
    index('messages_campaign_idx').on(t.workspaceId, t.campaignId, t.status),
    index('messages_provider_idx').on(t.workspaceId, t.providerMessageId),
  ],
);

/** Every transition of a message (and every callback about it), with time and reason. */
export const messageEvents = pgTable(
  'message_events',
  {
    workspaceId: workspaceId(),
    id: id(),
    messageId: bigint('message_id', { mode: 'number' }).notNull(),
    status: text('status').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    reason: text('reason'),
    data: jsonb('data').notNull().default(sql`'{}'::jsonb`),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    index('message_events_message_idx').on(t.workspaceId, t.messageId, t.at),
  ],
);
