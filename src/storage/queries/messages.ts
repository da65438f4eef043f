/**
 * The outbox (messages) and its event log (message_events). A message is claimed for one
 * attempt (`attempts`, the fencing token) and a lease; every write about a send checks that
 * the row is still `sending` under that attempt, so a worker that lost its claim cannot
 * overwrite the outcome of the attempt that replaced it.
 */
import type { Sql } from '../connect.ts';

export type MessageStatus =
  | 'queued'
  | 'deferred'
  | 'sending'
  | 'sent'
  | 'delivered'
  | 'opened'
  | 'clicked'
  | 'replied'
  | 'failed'
  | 'skipped';

export interface MessageInsert {
  idempotencyKey: string;
  customerId: number;
  campaignId: number | null;
  parentId: number | null;
  channel: string | null;
  purpose: string;
  status: 'queued' | 'deferred' | 'skipped';
  address: string | null;
  sendAfter: Date;
  expiresAt: Date | null;
  reason: string | null;
  template: unknown;
  variant: string | null;
  /** Stored on the `queued`/`deferred`/`skipped` event (e.g. the route explanation). */
  eventData?: Record<string, unknown>;
}

/**
 * Inserts new messages and their first event; a key already present is left alone (that is
 * what makes sending a campaign twice harmless). Returns the rows actually inserted.
 */
export async function insertMessages(
  sql: Sql,
  workspaceId: number,
  rows: MessageInsert[],
  at: Date,
): Promise<{ id: number; idempotencyKey: string; status: string }[]> {
  if (rows.length === 0) return [];
  return (
    await sql.query<{ id: number; idempotency_key: string; status: string }>(
      `WITH ins AS (
         INSERT INTO messages (workspace_id, idempotency_key, customer_id, campaign_id, parent_id, channel, purpose,
           status, address, send_after, expires_at, reason, template, variant)
         SELECT $1, t.k, t.customer_id, t.campaign_id, t.parent_id, t.channel, t.purpose, t.status, t.address,
                t.send_after, t.expires_at, t.reason, t.template, t.variant
           FROM unnest($2::text[], $3::bigint[], $4::bigint[], $5::bigint[], $6::text[], $7::text[], $8::text[],
                       $9::text[], $10::timestamptz[], $11::timestamptz[], $12::text[], $13::jsonb[], $14::text[])
             AS t(k, customer_id, campaign_id, parent_id, channel, purpose, status, address, send_after, expires_at,
                  reason, template, variant)
         ON CONFLICT (workspace_id, idempotency_key) DO NOTHING
         RETURNING id, idempotency_key, status, reason),
       ev AS (
         INSERT INTO message_events (workspace_id, message_id, status, at, reason, data)
         SELECT $1, ins.id, ins.status, $15, ins.reason, COALESCE(d.data, '{}'::jsonb)
           FROM ins LEFT JOIN unnest($2::text[], $16::jsonb[]) AS d(k, data) ON d.k = ins.idempotency_key)
       SELECT id, idempotency_key, status FROM ins`,
      [
        workspaceId,
        rows.map((r) => r.idempotencyKey),
        rows.map((r) => r.customerId),
        rows.map((r) => r.campaignId),
        rows.map((r) => r.parentId),
        rows.map((r) => r.channel),
        rows.map((r) => r.purpose),
        rows.map((r) => r.status),
        rows.map((r) => r.address),
        rows.map((r) => r.sendAfter.toISOString()),
        rows.map((r) => r.expiresAt?.toISOString() ?? null),
        rows.map((r) => r.reason),
        rows.map((r) =>
          r.template === null || r.template === undefined ? null : JSON.stringify(r.template),
        ),
        rows.map((r) => r.variant),
        at.toISOString(),
        rows.map((r) => (r.eventData ? JSON.stringify(r.eventData) : null)),
      ],
    )
  ).map((r) => ({ id: r.id, idempotencyKey: r.idempotency_key, status: r.status }));
}

/** Which of these keys already have a message. */
export async function existingMessageKeys(
  sql: Sql,
  workspaceId: number,
  keys: readonly string[],
): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const rows = await sql.query<{ k: string }>(
    `SELECT idempotency_key AS k FROM messages WHERE workspace_id = $1 AND idempotency_key = ANY($2::text[])`,
    [workspaceId, keys],
  );
  return new Set(rows.map((r) => r.k));
}

export interface TouchRow {
  customerId: number;
  at: number;
  channel: string;
  purpose: string;
}

/**
 * Messages that use up the contact budget: sent (or on their way) at or after `since`, and
 * everything already scheduled, by every campaign.
 */
export async function loadBudgetHistory(
  sql: Sql,
  workspaceId: number,
  customerIds: readonly number[],
  since: Date,
): Promise<TouchRow[]> {
  if (customerIds.length === 0) return [];
  const rows = await sql.query<{ customer_id: number; at: Date | string; channel: string; purpose: string }>(
    `SELECT customer_id, COALESCE(sent_at, send_after) AS at, channel, purpose FROM messages
      WHERE workspace_id = $1 AND customer_id = ANY($2::bigint[]) AND channel IS NOT NULL
        AND status NOT IN ('failed', 'skipped') AND COALESCE(sent_at, send_after) >= $3`,
    [workspaceId, customerIds, since.toISOString()],
  );
  return rows.map((r) => ({
    customerId: r.customer_id,
    at: new Date(r.at).getTime(),
    channel: r.channel,
    purpose: r.purpose,
  }));
}

export interface ClaimRef {
  workspaceId: number;
  id: number;
  attempt: number;
}

/**
 * Claims up to `limit` due messages of every workspace for a new attempt: queued or deferred
 * ones whose `send_after` has passed, and `sending` ones whose lease ran out (a worker died
 * mid-send). Oldest first; rows locked by another claimer are skipped, not waited for.
 */
export async function claimDueMessages(
  sql: Sql,
  now: Date,
  leaseUntil: Date,
  limit: number,
  workspaceIds: readonly number[] | null = null,
): Promise<ClaimRef[]> {
  const rows = await sql.query<{ workspace_id: number; id: number; attempts: number }>(
    `WITH due AS (
       SELECT workspace_id, id FROM messages
        WHERE status IN ('queued', 'deferred', 'sending') AND send_after <= $1
          AND (status <> 'sending' OR lease_until IS NULL OR lease_until < $1)
          AND ($4::bigint[] IS NULL OR workspace_id = ANY($4::bigint[]))
        ORDER BY send_after LIMIT $3 FOR UPDATE SKIP LOCKED),
     claimed AS (
       UPDATE messages m SET status = 'sending', attempts = m.attempts + 1, lease_until = $2, picked_at = NULL,
              updated_at = now()
         FROM due WHERE m.workspace_id = due.workspace_id AND m.id = due.id
       RETURNING m.workspace_id, m.id, m.attempts),
     ev AS (
       INSERT INTO message_events (workspace_id, message_id, status, at, data)
       SELECT workspace_id, id, 'sending', $1, jsonb_build_object('attempt', attempts) FROM claimed)
     SELECT workspace_id, id, attempts FROM claimed`,
    [now.toISOString(), leaseUntil.toISOString(), limit, workspaceIds],
  );
  return rows.map((r) => ({ workspaceId: r.workspace_id, id: r.id, attempt: r.attempts }));
}

export interface OutboxMessage {
  workspaceId: number;
  id: number;
  idempotencyKey: string;
  customerId: number;
  campaignId: number | null;
  parentId: number | null;
  channel: string | null;
  purpose: string;
  status: MessageStatus;
  address: string | null;
  sendAfter: number;
  expiresAt: number | null;
  attempts: number;
  providerMessageId: string | null;
  costMinor: number | null;
  reason: string | null;
  template: unknown;
  variant: string | null;
  sentAt: number | null;
}

type RawMessage = {
  workspace_id: number;
  id: number;
  idempotency_key: string;
  customer_id: number;
  campaign_id: number | null;
  parent_id: number | null;
  channel: string | null;
  purpose: string;
  status: MessageStatus;
  address: string | null;
  send_after: Date | string;
  expires_at: Date | string | null;
  attempts: number;
  provider_message_id: string | null;
  cost_minor: number | null;
  reason: string | null;
  template: unknown;
  variant: string | null;
  sent_at: Date | string | null;
};

const MESSAGE_COLUMNS = `m.workspace_id, m.id, m.idempotency_key, m.customer_id, m.campaign_id, m.parent_id, m.channel,
  m.purpose, m.status, m.address, m.send_after, m.expires_at, m.attempts, m.provider_message_id, m.cost_minor, m.reason, m.template,
  m.variant, m.sent_at`;

const ms = (v: Date | string | null) => (v === null ? null : new Date(v).getTime());

const messageFromRaw = (r: RawMessage): OutboxMessage => ({
  workspaceId: r.workspace_id,
  id: r.id,
  idempotencyKey: r.idempotency_key,
  customerId: r.customer_id,
  campaignId: r.campaign_id,
  parentId: r.parent_id,
  channel: r.channel,
  purpose: r.purpose,
  status: r.status,
  address: r.address,
  sendAfter: new Date(r.send_after).getTime(),
  expiresAt: ms(r.expires_at),
  attempts: r.attempts,
  providerMessageId: r.provider_message_id,
  costMinor: r.cost_minor,
  reason: r.reason,
  template: r.template,
  variant: r.variant,
  sentAt: ms(r.sent_at),
});

/**
 * A worker takes claimed attempts: only rows still `sending` under that attempt and not yet
 * taken by another worker come back (a queue that hands one job out twice sends once).
 */
export async function pickMessages(
  sql: Sql,
  refs: readonly ClaimRef[],
  now: Date,
  leaseUntil: Date,
): Promise<OutboxMessage[]> {
  if (refs.length === 0) return [];
  const rows = await sql.query<RawMessage>(
    `UPDATE messages m SET picked_at = $4, lease_until = $5
       FROM unnest($1::bigint[], $2::bigint[], $3::int[]) AS u(ws, id, attempt)
      WHERE m.workspace_id = u.ws AND m.id = u.id AND m.attempts = u.attempt AND m.status = 'sending'
        AND m.picked_at IS NULL
     RETURNING ${MESSAGE_COLUMNS}`,
    [
      refs.map((r) => r.workspaceId),
      refs.map((r) => r.id),
      refs.map((r) => r.attempt),
      now.toISOString(),
      leaseUntil.toISOString(),
    ],
  );
  return rows.map(messageFromRaw);
}

export interface MessageOutcome {
  workspaceId: number;
  id: number;
  attempt: number;
  status: 'sent' | 'failed' | 'skipped' | 'deferred';
  reason: string | null;
  providerMessageId: string | null;
  costMinor: number | null;
  /** For `deferred`: when to try again. */
  sendAfter: Date | null;
}

/**
 * Writes the outcomes of attempts; returns the ones that still held their claim (the others
 * were taken over after their lease ran out and are not written).
 */
export async function recordOutcomes(
  sql: Sql,
  outcomes: readonly MessageOutcome[],
  now: Date,
): Promise<ClaimRef[]> {
  if (outcomes.length === 0) return [];
  const rows = await sql.query<{ workspace_id: number; id: number; attempts: number }>(
    `UPDATE messages m SET status = u.status, reason = u.reason,
            provider_message_id = COALESCE(u.provider_id, m.provider_message_id),
            cost_minor = COALESCE(u.cost, m.cost_minor),
            send_after = COALESCE(u.send_after, m.send_after),
            sent_at = CASE WHEN u.status = 'sent' THEN $9::timestamptz ELSE m.sent_at END,
            lease_until = NULL, picked_at = NULL, updated_at = now()
       FROM unnest($1::bigint[], $2::bigint[], $3::int[], $4::text[], $5::text[], $6::text[], $7::int[], $8::timestamptz[])
         AS u(ws, id, attempt, status, reason, provider_id, cost, send_after)
      WHERE m.workspace_id = u.ws AND m.id = u.id AND m.attempts = u.attempt AND m.status = 'sending'
     RETURNING m.workspace_id, m.id, m.attempts`,
    [
      outcomes.map((o) => o.workspaceId),
      outcomes.map((o) => o.id),
      outcomes.map((o) => o.attempt),
      outcomes.map((o) => o.status),
      outcomes.map((o) => o.reason),
      outcomes.map((o) => o.providerMessageId),
      outcomes.map((o) => o.costMinor),
      outcomes.map((o) => o.sendAfter?.toISOString() ?? null),
      now.toISOString(),
    ],
  );
  return rows.map((r) => ({ workspaceId: r.workspace_id, id: r.id, attempt: r.attempts }));
}

export interface MessageEventInsert {
  workspaceId: number;
  messageId: number;
  status: string;
  at: Date;
  reason: string | null;
  data: Record<string, unknown>;
}

export async function insertMessageEvents(sql: Sql, rows: readonly MessageEventInsert[]): Promise<void> {
  if (rows.length === 0) return;
  await sql.query(
    `INSERT INTO message_events (workspace_id, message_id, status, at, reason, data)
     SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::timestamptz[], $5::text[], $6::jsonb[])`,
    [
      rows.map((r) => r.workspaceId),
      rows.map((r) => r.messageId),
      rows.map((r) => r.status),
      rows.map((r) => r.at.toISOString()),
      rows.map((r) => r.reason),
      rows.map((r) => JSON.stringify(r.data)),
    ],
  );
}

export async function getMessage(sql: Sql, workspaceId: number, id: number): Promise<OutboxMessage | null> {
  const rows = await sql.query<RawMessage>(
    `SELECT ${MESSAGE_COLUMNS} FROM messages m WHERE m.workspace_id = $1 AND m.id = $2`,
    [workspaceId, id],
  );
  return rows[0] ? messageFromRaw(rows[0]) : null;
}

export async function findMessagesByProviderIds(
  sql: Sql,
  workspaceId: number,
  providerIds: readonly string[],
): Promise<OutboxMessage[]> {
  if (providerIds.length === 0) return [];
  const rows = await sql.query<RawMessage>(
    `SELECT ${MESSAGE_COLUMNS} FROM messages m WHERE m.workspace_id = $1 AND m.provider_message_id = ANY($2::text[])`,
    [workspaceId, providerIds],
  );
  return rows.map(messageFromRaw);
}

/**
 * Moves a delivered message forward (sent → delivered → opened → clicked → replied, or to
 * failed) when its status is one of `from`; returns false when it was not.
 */
export async function advanceMessage(
  sql: Sql,
  workspaceId: number,
  id: number,
  to: MessageStatus,
  from: readonly MessageStatus[],
  reason: string | null,
): Promise<boolean> {
  const rows = await sql.query(
    `UPDATE messages SET status = $3, reason = COALESCE($5, reason), updated_at = now()
      WHERE workspace_id = $1 AND id = $2 AND status = ANY($4::text[]) RETURNING id`,
    [workspaceId, id, to, from, reason],
  );
  return rows.length > 0;
}

/** The latest message sent to a customer on a channel since `since` (what a reply answers). */
export async function latestSentMessage(
  sql: Sql,
  workspaceId: number,
  customerId: number,
  channel: string,
  since: Date,
): Promise<OutboxMessage | null> {
  const rows = await sql.query<RawMessage>(
    `SELECT ${MESSAGE_COLUMNS} FROM messages m
      WHERE m.workspace_id = $1 AND m.customer_id = $2 AND m.channel = $3 AND m.sent_at >= $4
      ORDER BY m.sent_at DESC, m.id DESC LIMIT 1`,
    [workspaceId, customerId, channel, since.toISOString()],
  );
  return rows[0] ? messageFromRaw(rows[0]) : null;
}

/** Channels already tried for one message: the root key and every cascade of it (`<root>>…`). */
export async function chainChannels(
  sql: Sql,
  workspaceId: number,
  customerId: number,
  rootKey: string,
): Promise<string[]> {
  const rows = await sql.query<{ channel: string }>(
    `SELECT channel FROM messages WHERE workspace_id = $1 AND customer_id = $2 AND channel IS NOT NULL
        AND (idempotency_key = $3 OR starts_with(idempotency_key, $3 || '>'))`,
    [workspaceId, customerId, rootKey],
  );
  return rows.map((r) => r.channel);
}

/** Messages not finished yet (queued, deferred or sending), and how many of them are due at `now`. */
export async function countPendingMessages(
  sql: Sql,
  now: Date,
  workspaceIds: readonly number[] | null = null,
): Promise<{ pending: number; due: number }> {
  const rows = await sql.query<{ pending: number; due: number }>(
    `SELECT count(*)::int AS pending,
            count(*) FILTER (WHERE send_after <= $1 AND (status <> 'sending' OR lease_until IS NULL OR lease_until < $1))::int AS due
       FROM messages WHERE status IN ('queued', 'deferred', 'sending')
        AND ($2::bigint[] IS NULL OR workspace_id = ANY($2::bigint[]))`,
    [now.toISOString(), workspaceIds],
  );
  return rows[0] ?? { pending: 0, due: 0 };
}

export interface MessageEventRow {
  status: string;
  at: string;
  reason: string | null;
  data: Record<string, unknown>;
}

export async function listMessageEvents(
  sql: Sql,
  workspaceId: number,
  messageId: number,
): Promise<MessageEventRow[]> {
  const rows = await sql.query<{
    status: string;
    at: Date | string;
    reason: string | null;
    data: Record<string, unknown>;
  }>(
    `SELECT status, at, reason, data FROM message_events WHERE workspace_id = $1 AND message_id = $2 ORDER BY at, id`,
    [workspaceId, messageId],
  );
  return rows.map((r) => ({
    status: r.status,
    at: new Date(r.at).toISOString(),
    reason: r.reason,
    data: r.data,
  }));
}

/** A customer's messages, newest first (the card and the tests). */
export async function listCustomerMessages(
  sql: Sql,
  workspaceId: number,
  customerId: number,
): Promise<OutboxMessage[]> {
  const rows = await sql.query<RawMessage>(
    `SELECT ${MESSAGE_COLUMNS} FROM messages m WHERE m.workspace_id = $1 AND m.customer_id = $2 ORDER BY m.id DESC`,
    [workspaceId, customerId],
  );
  return rows.map(messageFromRaw);
}

/** Whether an inbound reply with this provider id is already on the customer's timeline. */
export async function hasInboundReply(
  sql: Sql,
  workspaceId: number,
  customerId: number,
  providerMessageId: string,
): Promise<boolean> {
  const rows = await sql.query(
    `SELECT 1 FROM events WHERE workspace_id = $1 AND customer_id = $2 AND type = 'message_replied'
        AND data->>'providerMessageId' = $3 LIMIT 1`,
    [workspaceId, customerId, providerMessageId],
  );
  return rows.length > 0;
}
