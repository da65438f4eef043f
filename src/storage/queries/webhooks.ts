/**
 * Outgoing webhooks: subscriptions, the event outbox, deliveries and their attempts.
 * Events are enqueued by the writer of a change inside its own transaction (`enqueueEvents`),
 * and claimed by the delivery job under a lease (`claimDueDeliveries`, SKIP LOCKED), so two
 * processes never send one delivery at the same time.
 */
import type { Sql } from '../connect.ts';

const iso = (v: Date | string | null) => (v === null ? null : new Date(v).toISOString());

export interface SubscriptionRecord {
  id: number;
  url: string;
  description: string | null;
  events: string[];
  secretSealed: string;
  enabled: boolean;
  consecutiveFailures: number;
  failingSince: string | null;
  lastSuccessAt: string | null;
  lastFailureAt: string | null;
  createdAt: string;
  updatedAt: string;
}

type SubscriptionRaw = {
  id: number;
  url: string;
  description: string | null;
  events: string[];
  secret_sealed: string;
  enabled: boolean;
  consecutive_failures: number;
  failing_since: Date | string | null;
  last_success_at: Date | string | null;
  last_failure_at: Date | string | null;
  created_at: Date | string;
  updated_at: Date | string;
};

const SUBSCRIPTION_COLUMNS = `id, url, description, events, secret_sealed, enabled, consecutive_failures,
  failing_since, last_success_at, last_failure_at, created_at, updated_at`;

function toSubscription(r: SubscriptionRaw): SubscriptionRecord {
  return {
    id: r.id,
    url: r.url,
    description: r.description,
    events: r.events,
    secretSealed: r.secret_sealed,
    enabled: r.enabled,
    consecutiveFailures: r.consecutive_failures,
    failingSince: iso(r.failing_since),
    lastSuccessAt: iso(r.last_success_at),
    lastFailureAt: iso(r.last_failure_at),
    createdAt: new Date(r.created_at).toISOString(),
    updatedAt: new Date(r.updated_at).toISOString(),
  };
}

export async function insertSubscription(
  sql: Sql,
  workspaceId: number,
  s: { url: string; description: string | null; events: string[]; secretSealed: string; enabled: boolean },
): Promise<number> {
  const rows = await sql.query<{ id: number }>(
    `INSERT INTO webhook_subscriptions (workspace_id, url, description, events, secret_sealed, enabled)
     VALUES ($1, $2, $3, $4::text[], $5, $6) RETURNING id`,
    [workspaceId, s.url, s.description, s.events, s.secretSealed, s.enabled],
  );
  return rows[0]!.id;
}

/** Seals need the row id (it is authenticated with the secret), so the secret is set after insert. */
export async function setSubscriptionSecret(
  sql: Sql,
  workspaceId: number,
  id: number,
  secretSealed: string,
): Promise<void> {
  await sql.query(
    'UPDATE webhook_subscriptions SET secret_sealed = $3, updated_at = now() WHERE workspace_id = $1 AND id = $2',
    [workspaceId, id, secretSealed],
  );
}

export async function listSubscriptions(sql: Sql, workspaceId: number): Promise<SubscriptionRecord[]> {
  const rows = await sql.query<SubscriptionRaw>(
    `SELECT ${SUBSCRIPTION_COLUMNS} FROM webhook_subscriptions
      WHERE workspace_id = $1 AND deleted_at IS NULL ORDER BY id`,
    [workspaceId],
  );
  return rows.map(toSubscription);
}

export async function findSubscription(
  sql: Sql,
  workspaceId: number,
  id: number,
): Promise<SubscriptionRecord | null> {
  const rows = await sql.query<SubscriptionRaw>(
    `SELECT ${SUBSCRIPTION_COLUMNS} FROM webhook_subscriptions
      WHERE workspace_id = $1 AND id = $2 AND deleted_at IS NULL`,
    [workspaceId, id],
  );
  return rows[0] ? toSubscription(rows[0]) : null;
}

/**
 * Writes the editable fields. `resume` clears the failing state and makes the deliveries it
 * held back due now (the owner says the receiver is fixed).
 */
export async function updateSubscription(
  sql: Sql,
  workspaceId: number,
  id: number,
  s: { url: string; description: string | null; events: string[]; enabled: boolean; resume: boolean },
): Promise<void> {
  await sql.query(
    `UPDATE webhook_subscriptions SET url = $3, description = $4, events = $5::text[], enabled = $6,
            failing_since = CASE WHEN $7::boolean THEN NULL ELSE failing_since END,
            consecutive_failures = CASE WHEN $7::boolean THEN 0 ELSE consecutive_failures END,
            updated_at = now()
      WHERE workspace_id = $1 AND id = $2`,
    [workspaceId, id, s.url, s.description, s.events, s.enabled, s.resume],
  );
  if (s.resume) {
    await sql.query(
      `UPDATE webhook_deliveries SET next_attempt_at = now(), locked_until = NULL
        WHERE workspace_id = $1 AND subscription_id = $2 AND status = 'pending'`,
      [workspaceId, id],
    );
  }
}

/** Soft delete; its pending deliveries are cancelled (recorded as such, not dropped). */
export async function softDeleteSubscription(sql: Sql, workspaceId: number, id: number): Promise<void> {
  await sql.query(
    'UPDATE webhook_subscriptions SET deleted_at = now(), enabled = false, updated_at = now() WHERE workspace_id = $1 AND id = $2',
    [workspaceId, id],
  );
  await sql.query(
    `UPDATE webhook_deliveries SET status = 'cancelled', last_error = 'subscription deleted'
      WHERE workspace_id = $1 AND subscription_id = $2 AND status = 'pending'`,
    [workspaceId, id],
  );
}

/** Whether any live, enabled subscription wants one of `types` (lets writers skip work). */
export async function anySubscribed(sql: Sql, workspaceId: number, types: string[]): Promise<boolean> {
  const rows = await sql.query(
    `SELECT 1 FROM webhook_subscriptions
      WHERE workspace_id = $1 AND enabled AND deleted_at IS NULL AND events && $2::text[] LIMIT 1`,
    [workspaceId, types],
  );
  return rows.length > 0;
}

export interface EventInsert {
  eventKey: string;
  type: string;
  data: unknown;
}

/**
 * The outbox write: each event, and one delivery per enabled subscription that wants its type,
 * in one statement and in the caller's transaction. An event nobody subscribes to is not
 * stored. A failing subscription still gets its deliveries queued (held until resumed).
 * Returns how many deliveries were queued.
 */
export async function enqueueEvents(
  sql: Sql,
  workspaceId: number,
  events: EventInsert[],
  maxAttempts: number,
  onlySubscription: number | null = null,
): Promise<number> {
  if (events.length === 0) return 0;
  const rows = await sql.query<{ n: number }>(
    `WITH subs AS (
       SELECT id, events FROM webhook_subscriptions
        WHERE workspace_id = $1 AND deleted_at IS NULL
          AND (CASE WHEN $6::bigint IS NULL THEN enabled AND events && $3::text[] ELSE id = $6::bigint END)
     ), ev AS (
       INSERT INTO webhook_events (workspace_id, event_key, type, data)
       SELECT $1, t.event_key, t.type, t.data
         FROM unnest($2::text[], $3::text[], $4::jsonb[]) WITH ORDINALITY AS t(event_key, type, data, n)
        WHERE EXISTS (SELECT 1 FROM subs s WHERE $6::bigint IS NOT NULL OR t.type = ANY(s.events))
        ORDER BY t.n
       RETURNING id, type
     ), queued AS (
       INSERT INTO webhook_deliveries (workspace_id, subscription_id, event_id, delivery_key, max_attempts)
       SELECT $1, s.id, ev.id, gen_random_uuid()::text, $5
         FROM ev JOIN subs s ON $6::bigint IS NOT NULL OR ev.type = ANY(s.events)
        ORDER BY ev.id, s.id
       RETURNING 1
     )
     SELECT count(*)::int AS n FROM queued`,
    [
      workspaceId,
      events.map((e) => e.eventKey),
      events.map((e) => e.type),
      events.map((e) => JSON.stringify(e.data)),
      maxAttempts,
      onlySubscription,
    ],
  );
  return rows[0]?.n ?? 0;
}

export interface ClaimedDelivery {
  workspaceId: number;
  id: number;
  deliveryKey: string;
  attempts: number;
  maxAttempts: number;
  subscriptionId: number;
  url: string;
  secretSealed: string;
  eventKey: string;
  type: string;
  data: unknown;
  eventCreatedAt: string;
}

/**
 * Claims up to `limit` due deliveries of active subscriptions (enabled, not failing, not
 * deleted) under a lease until `leaseUntil`. Scoped to one workspace when given.
 */
export async function claimDueDeliveries(
  sql: Sql,
  opts: { now: Date; leaseUntil: Date; limit: number; workspaceId: number | null; deliveryId?: number },
): Promise<ClaimedDelivery[]> {
  const params: unknown[] = [opts.now.toISOString(), opts.leaseUntil.toISOString(), opts.limit];
  let scope = '';
  if (opts.workspaceId !== null) {
    params.push(opts.workspaceId);
    scope += ` AND d.workspace_id = $${params.length}`;
  }
  let due = `AND d.next_attempt_at <= $1::timestamptz AND s.enabled AND s.failing_since IS NULL`;
  if (opts.deliveryId !== undefined) {
    // One named delivery (a test send): sent now, whatever the subscription's state.
    params.push(opts.deliveryId);
    scope += ` AND d.id = $${params.length}`;
    due = '';
  }
  const rows = await sql.query<{
    workspace_id: number;
    id: number;
    delivery_key: string;
    attempts: number;
    max_attempts: number;
    subscription_id: number;
    url: string;
    secret_sealed: string;
    event_key: string;
    type: string;
    data: unknown;
    event_created_at: Date | string;
  }>(
    `WITH due AS (
       SELECT d.workspace_id, d.id FROM webhook_deliveries d
         JOIN webhook_subscriptions s ON s.workspace_id = d.workspace_id AND s.id = d.subscription_id
        WHERE d.status = 'pending' AND s.deleted_at IS NULL
          AND (d.locked_until IS NULL OR d.locked_until <= $1::timestamptz) ${due} ${scope}
        ORDER BY d.next_attempt_at, d.id
        LIMIT $3
        FOR UPDATE OF d SKIP LOCKED
     )
     UPDATE webhook_deliveries d SET locked_until = $2::timestamptz
       FROM due, webhook_events e, webhook_subscriptions s
      WHERE d.workspace_id = due.workspace_id AND d.id = due.id
        AND e.workspace_id = d.workspace_id AND e.id = d.event_id
        AND s.workspace_id = d.workspace_id AND s.id = d.subscription_id
     RETURNING d.workspace_id, d.id, d.delivery_key, d.attempts, d.max_attempts, d.subscription_id, s.url,
               s.secret_sealed, e.event_key, e.type, e.data, e.created_at AS event_created_at`,
    params,
  );
  return rows.map((r) => ({
    workspaceId: r.workspace_id,
    id: r.id,
    deliveryKey: r.delivery_key,
    attempts: r.attempts,
    maxAttempts: r.max_attempts,
    subscriptionId: r.subscription_id,
    url: r.url,
    secretSealed: r.secret_sealed,
    eventKey: r.event_key,
    type: r.type,
    data: r.data,
    eventCreatedAt: new Date(r.event_created_at).toISOString(),
  }));
}

export interface AttemptOutcome {
  at: Date;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
  responseExcerpt: string | null;
  ok: boolean;
  /** When the next try is due; null when this was the last one (the delivery failed). */
  retryAt: Date | null;
}

/**
 * Records one attempt and its consequences: the delivery (delivered, retried later, or
 * failed for good) and the subscription's health (a success resets the failures in a row;
 * reaching `failingAfter` failures in a row marks it failing). Returns whether this
 * attempt made the subscription failing.
 */
export async function recordAttempt(
  sql: Sql,
  workspaceId: number,
  delivery: { id: number; subscriptionId: number },
  a: AttemptOutcome,
  failingAfter: number,
): Promise<boolean> {
  await sql.query(
    `INSERT INTO webhook_attempts (workspace_id, delivery_id, attempted_at, status_code, error, duration_ms, response_excerpt)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [workspaceId, delivery.id, a.at.toISOString(), a.statusCode, a.error, a.durationMs, a.responseExcerpt],
  );
  await sql.query(
    `UPDATE webhook_deliveries
        SET attempts = attempts + 1, locked_until = NULL, last_status_code = $3, last_error = $4,
            status = CASE WHEN $5::boolean THEN 'delivered' WHEN $6::timestamptz IS NULL THEN 'failed' ELSE 'pending' END,
            delivered_at = CASE WHEN $5::boolean THEN $7::timestamptz ELSE NULL END,
            next_attempt_at = COALESCE($6::timestamptz, next_attempt_at)
      WHERE workspace_id = $1 AND id = $2`,
    [
      workspaceId,
      delivery.id,
      a.statusCode,
      a.error,
      a.ok,
      a.retryAt?.toISOString() ?? null,
      a.at.toISOString(),
    ],
  );
  const rows = await sql.query<{ became_failing: boolean }>(
    `UPDATE webhook_subscriptions s
        SET consecutive_failures = CASE WHEN $3::boolean THEN 0 ELSE s.consecutive_failures + 1 END,
            last_success_at = CASE WHEN $3::boolean THEN $4::timestamptz ELSE s.last_success_at END,
            last_failure_at = CASE WHEN $3::boolean THEN s.last_failure_at ELSE $4::timestamptz END,
            failing_since = CASE WHEN $3::boolean THEN NULL
                                 WHEN s.failing_since IS NULL AND s.consecutive_failures + 1 >= $5 THEN $4::timestamptz
                                 ELSE s.failing_since END
       FROM webhook_subscriptions old
      WHERE s.workspace_id = $1 AND s.id = $2 AND old.workspace_id = s.workspace_id AND old.id = s.id
      RETURNING (old.failing_since IS NULL AND s.failing_since IS NOT NULL) AS became_failing`,
    [workspaceId, delivery.subscriptionId, a.ok, a.at.toISOString(), failingAfter],
  );
  return rows[0]?.became_failing ?? false;
}

export interface DeliveryRecord {
  id: number;
  deliveryKey: string;
  eventKey: string;
  type: string;
  status: string;
  attempts: number;
  maxAttempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  nextAttemptAt: string | null;
  deliveredAt: string | null;
  createdAt: string;
  data: unknown;
  attemptLog: {
    at: string;
    statusCode: number | null;
    error: string | null;
    durationMs: number;
    responseExcerpt: string | null;
  }[];
}

/** A subscription's deliveries, newest first, keyset-paged by id, each with its attempts. */
export async function listDeliveries(
  sql: Sql,
  workspaceId: number,
  subscriptionId: number,
  page: { beforeId: number | null; limit: number; status: string | null },
): Promise<DeliveryRecord[]> {
  const params: unknown[] = [workspaceId, subscriptionId, page.limit];
  let where = '';
  if (page.beforeId !== null) {
    params.push(page.beforeId);
    where += ` AND d.id < $${params.length}`;
  }
  if (page.status !== null) {
    params.push(page.status);
    where += ` AND d.status = $${params.length}`;
  }
  const rows = await sql.query<{
    id: number;
    delivery_key: string;
    event_key: string;
    type: string;
    status: string;
    attempts: number;
    max_attempts: number;
    last_status_code: number | null;
    last_error: string | null;
    next_attempt_at: Date | string;
    delivered_at: Date | string | null;
    created_at: Date | string;
    data: unknown;
  }>(
    `SELECT d.id, d.delivery_key, e.event_key, e.type, d.status, d.attempts, d.max_attempts,
            d.last_status_code, d.last_error, d.next_attempt_at, d.delivered_at, d.created_at, e.data
       FROM webhook_deliveries d
       JOIN webhook_events e ON e.workspace_id = d.workspace_id AND e.id = d.event_id
      WHERE d.workspace_id = $1 AND d.subscription_id = $2 ${where}
      ORDER BY d.id DESC LIMIT $3`,
    params,
  );
  const ids = rows.map((r) => r.id);
  const attempts = ids.length
    ? await sql.query<{
        delivery_id: number;
        attempted_at: Date | string;
        status_code: number | null;
        error: string | null;
        duration_ms: number;
        response_excerpt: string | null;
      }>(
        `SELECT delivery_id, attempted_at, status_code, error, duration_ms, response_excerpt
           FROM webhook_attempts WHERE workspace_id = $1 AND delivery_id = ANY($2::bigint[])
          ORDER BY delivery_id, id`,
        [workspaceId, ids],
      )
    : [];
  const byDelivery = new Map<number, DeliveryRecord['attemptLog']>();
  for (const a of attempts) {
    const list = byDelivery.get(a.delivery_id) ?? [];
    list.push({
      at: new Date(a.attempted_at).toISOString(),
      statusCode: a.status_code,
      error: a.error,
      durationMs: a.duration_ms,
      responseExcerpt: a.response_excerpt,
    });
    byDelivery.set(a.delivery_id, list);
  }
  return rows.map((r) => ({
    id: r.id,
    deliveryKey: r.delivery_key,
    eventKey: r.event_key,
    type: r.type,
    status: r.status,
    attempts: r.attempts,
    maxAttempts: r.max_attempts,
    lastStatusCode: r.last_status_code,
    lastError: r.last_error,
    nextAttemptAt: r.status === 'pending' ? new Date(r.next_attempt_at).toISOString() : null,
    deliveredAt: iso(r.delivered_at),
    createdAt: new Date(r.created_at).toISOString(),
    data: r.data,
    attemptLog: byDelivery.get(r.id) ?? [],
  }));
}

/** The newest delivery of a subscription for one event type (the test send's result). */
export async function latestDeliveryId(
  sql: Sql,
  workspaceId: number,
  subscriptionId: number,
  type: string,
): Promise<number | null> {
  const rows = await sql.query<{ id: number }>(
    `SELECT d.id FROM webhook_deliveries d
       JOIN webhook_events e ON e.workspace_id = d.workspace_id AND e.id = d.event_id
      WHERE d.workspace_id = $1 AND d.subscription_id = $2 AND e.type = $3
      ORDER BY d.id DESC LIMIT 1`,
    [workspaceId, subscriptionId, type],
  );
  return rows[0]?.id ?? null;
}

/** Orders by order key or id, with what an order event reports. */
export async function ordersForEvents(
  sql: Sql,
  workspaceId: number,
  where: { keys: string[] } | { ids: number[] },
): Promise<
  {
    id: number;
    orderKey: string;
    externalId: string | null;
    customerId: number | null;
    orderedAt: string;
    orderedOn: string;
    amount: string;
    status: string;
  }[]
> {
  const byKeys = 'keys' in where;
  const rows = await sql.query<{
    id: number;
    order_key: string;
    external_id: string | null;
    customer_id: number | null;
    ordered_at: Date | string;
    ordered_on: string;
    amount: string;
    status: string;
  }>(
    `SELECT id, order_key, external_id, customer_id, ordered_at, ordered_on, amount::text AS amount, status
       FROM orders WHERE workspace_id = $1 AND ${byKeys ? 'order_key = ANY($2::text[])' : 'id = ANY($2::bigint[])'}
      ORDER BY id`,
    [workspaceId, byKeys ? where.keys : where.ids],
  );
  return rows.map((r) => ({
    id: r.id,
    orderKey: r.order_key,
    externalId: r.external_id,
    customerId: r.customer_id,
    orderedAt: new Date(r.ordered_at).toISOString(),
    orderedOn: r.ordered_on,
    amount: r.amount,
    status: r.status,
  }));
}
