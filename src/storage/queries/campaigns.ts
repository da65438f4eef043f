/** Campaigns, the customers a campaign addresses (routing and template data), and its report. */
import type { Sql } from '../connect.ts';

export interface CampaignInsert {
  name: string;
  audience: unknown;
  purpose: string;
  templates: unknown;
  channelPolicy: unknown;
  context: unknown;
  scheduleAt: Date | null;
  expiresAfterHours: number | null;
  priority: number;
  variant: string | null;
  holdoutShare: number | null;
}

export interface CampaignRow extends CampaignInsert {
  id: number;
  status: string;
  createdAt: string;
  updatedAt: string;
  sentAt: string | null;
}

type Raw = {
  id: number;
  name: string;
  audience: unknown;
  purpose: string;
  templates: unknown;
  channel_policy: unknown;
  context: unknown;
  schedule_at: Date | string | null;
  expires_after_hours: number | null;
  priority: number;
  status: string;
  variant: string | null;
  holdout_share: string | null;
  created_at: Date | string;
  updated_at: Date | string;
  sent_at: Date | string | null;
};

const iso = (v: Date | string) => new Date(v).toISOString();

const fromRaw = (r: Raw): CampaignRow => ({
  id: r.id,
  name: r.name,
  audience: r.audience,
  purpose: r.purpose,
  templates: r.templates,
  channelPolicy: r.channel_policy,
  context: r.context,
  scheduleAt: r.schedule_at === null ? null : new Date(r.schedule_at),
  expiresAfterHours: r.expires_after_hours,
  priority: r.priority,
  status: r.status,
  variant: r.variant,
  holdoutShare: r.holdout_share === null ? null : Number(r.holdout_share),
  createdAt: iso(r.created_at),
  updatedAt: iso(r.updated_at),
  sentAt: r.sent_at === null ? null : iso(r.sent_at),
});

const COLUMNS = `id, name, audience, purpose, templates, channel_policy, context, schedule_at, expires_after_hours,
  priority, status, variant, holdout_share::text AS holdout_share, created_at, updated_at, sent_at`;

export async function insertCampaign(sql: Sql, workspaceId: number, c: CampaignInsert): Promise<number> {
  const rows = await sql.query<{ id: number }>(
    `INSERT INTO campaigns (workspace_id, name, audience, purpose, templates, channel_policy, context, schedule_at,
       expires_after_hours, priority, variant, holdout_share)
     VALUES ($1, $2, $3::jsonb, $4, $5::jsonb, $6::jsonb, $7::jsonb, $8, $9, $10, $11, $12) RETURNING id`,
    [
      workspaceId,
      c.name,
      JSON.stringify(c.audience),
      c.purpose,
      JSON.stringify(c.templates),
      JSON.stringify(c.channelPolicy),
      JSON.stringify(c.context),
      c.scheduleAt?.toISOString() ?? null,
      c.expiresAfterHours,
      c.priority,
      c.variant,
      c.holdoutShare,
    ],
  );
  return rows[0]!.id;
}

export async function getCampaign(sql: Sql, workspaceId: number, id: number): Promise<CampaignRow | null> {
  const rows = await sql.query<Raw>(`SELECT ${COLUMNS} FROM campaigns WHERE workspace_id = $1 AND id = $2`, [
    workspaceId,
    id,
  ]);
  return rows[0] ? fromRaw(rows[0]) : null;
}

/** Several campaigns by id (the delivery worker's template lookup). */
export async function getCampaigns(
  sql: Sql,
  workspaceId: number,
  ids: readonly number[],
): Promise<CampaignRow[]> {
  if (ids.length === 0) return [];
  const rows = await sql.query<Raw>(
    `SELECT ${COLUMNS} FROM campaigns WHERE workspace_id = $1 AND id = ANY($2::bigint[])`,
    [workspaceId, ids],
  );
  return rows.map(fromRaw);
}

export async function listCampaigns(sql: Sql, workspaceId: number, limit = 200): Promise<CampaignRow[]> {
  const rows = await sql.query<Raw>(
    `SELECT ${COLUMNS} FROM campaigns WHERE workspace_id = $1 ORDER BY id DESC LIMIT $2`,
    [workspaceId, limit],
  );
  return rows.map(fromRaw);
}

export async function markCampaignSent(sql: Sql, workspaceId: number, id: number, at: Date): Promise<void> {
  await sql.query(
    `UPDATE campaigns SET status = 'sent', sent_at = COALESCE(sent_at, $3), updated_at = now()
      WHERE workspace_id = $1 AND id = $2`,
    [workspaceId, id, at.toISOString()],
  );
}

export interface CampaignCount {
  channel: string | null;
  status: string;
  reason: string | null;
  count: number;
  costMinor: number;
}

/** Messages of a campaign (cascaded ones included) by channel, status and skip/fail reason. */
export async function campaignCounts(
  sql: Sql,
  workspaceId: number,
  campaignId: number,
): Promise<CampaignCount[]> {
  const rows = await sql.query<{
    channel: string | null;
    status: string;
    reason: string | null;
    n: number;
    cost: number | null;
  }>(
    `SELECT channel, status, CASE WHEN status IN ('skipped', 'failed') THEN reason END AS reason,
            count(*)::int AS n, sum(cost_minor)::int AS cost
       FROM messages WHERE workspace_id = $1 AND campaign_id = $2
      GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
    [workspaceId, campaignId],
  );
  return rows.map((r) => ({
    channel: r.channel,
    status: r.status,
    reason: r.reason,
    count: r.n,
    costMinor: r.cost ?? 0,
  }));
}

export interface MessagingCustomer {
  id: number;
  name: string | null;
  status: string;
  preferredChannel: string | null;
  /** custom.timezone (an IANA zone) when the customer has one. */
  timeZone: string | null;
  nextExpectedOn: string | null;
  identifiers: { kind: string; value: string }[];
  /** The last inbound reply on the timeline. */
  lastInbound: { channel: string; at: number } | null;
}

/** What routing and templates need about each customer; merged-away customers are left out. */
export async function loadMessagingCustomers(
  sql: Sql,
  workspaceId: number,
  customerIds: readonly number[],
): Promise<Map<number, MessagingCustomer>> {
  const out = new Map<number, MessagingCustomer>();
  if (customerIds.length === 0) return out;
  const rows = await sql.query<{
    id: number;
    name: string | null;
    status: string;
    preferred_channel: string | null;
    tz: string | null;
    next_expected_on: string | null;
    identifiers: { kind: string; value: string }[] | null;
    inbound_channel: string | null;
    inbound_at: Date | string | null;
  }>(
    `SELECT c.id, c.name, c.status, c.preferred_channel, c.custom->>'timezone' AS tz, c.next_expected_on,
            (SELECT jsonb_agg(jsonb_build_object('kind', i.kind, 'value', i.value) ORDER BY i.created_at, i.value)
               FROM customer_identifiers i WHERE i.workspace_id = c.workspace_id AND i.customer_id = c.id) AS identifiers,
            r.channel AS inbound_channel, r.occurred_at AS inbound_at
       FROM customers c
       LEFT JOIN LATERAL (
         SELECT e.data->>'channel' AS channel, e.occurred_at FROM events e
          WHERE e.workspace_id = c.workspace_id AND e.customer_id = c.id AND e.type = 'message_replied'
          ORDER BY e.occurred_at DESC LIMIT 1) r ON true
      WHERE c.workspace_id = $1 AND c.id = ANY($2::bigint[]) AND c.merged_into IS NULL`,
    [workspaceId, customerIds],
  );
  for (const r of rows) {
    out.set(r.id, {
      id: r.id,
      name: r.name,
      status: r.status,
      preferredChannel: r.preferred_channel,
      timeZone: r.tz,
      nextExpectedOn: r.next_expected_on,
      identifiers: r.identifiers ?? [],
      lastInbound:
        r.inbound_channel && r.inbound_at
          ? { channel: r.inbound_channel, at: new Date(r.inbound_at).getTime() }
          : null,
    });
  }
  return out;
}
