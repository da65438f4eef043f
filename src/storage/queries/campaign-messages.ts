/**
 * Who got a campaign's message, in which channel: the recipients list of the campaign report,
 * paged (messages that went out first, then the excluded ones), with the customer's name for a
 * link to their card. A manager sees only their own
 * customers (`visibleManager`, in the SQL).
 */
import type { Sql } from '../connect.ts';

export interface CampaignMessageRow {
  id: number;
  customerId: number;
  customerName: string | null;
  channel: string | null;
  status: string;
  reason: string | null;
  address: string | null;
  /** The message this one replaced in the cascade (a failed channel), if any. */
  parentId: number | null;
  sendAfter: string;
  sentAt: string | null;
  updatedAt: string;
  costMinor: number | null;
}

export interface CampaignMessageFilter {
  status?: string | undefined;
  channel?: string | undefined;
  visibleManager: number | null;
}

export async function listCampaignMessages(
  sql: Sql,
  workspaceId: number,
  campaignId: number,
  filter: CampaignMessageFilter,
  page: { limit: number; offset: number },
): Promise<{ items: CampaignMessageRow[]; total: number }> {
  const params = [
    workspaceId,
    campaignId,
    filter.status ?? null,
    filter.channel ?? null,
    filter.visibleManager,
  ];
  const where = `m.workspace_id = $1 AND m.campaign_id = $2
     AND ($3::text IS NULL OR m.status = $3::text)
     AND ($4::text IS NULL OR m.channel = $4::text)
     AND ($5::bigint IS NULL OR c.manager_id = $5::bigint)`;
  const from = `FROM messages m JOIN customers c ON c.workspace_id = m.workspace_id AND c.id = m.customer_id`;
  const [rows, count] = await Promise.all([
    sql.query<{
      id: number;
      customer_id: number;
      customer_name: string | null;
      channel: string | null;
      status: string;
      reason: string | null;
      address: string | null;
      parent_id: number | null;
      send_after: Date | string;
      sent_at: Date | string | null;
      updated_at: Date | string;
      cost_minor: number | null;
    }>(
      `SELECT m.id, m.customer_id, c.name AS customer_name, m.channel, m.status, m.reason, m.address,
              m.parent_id, m.send_after, m.sent_at, m.updated_at, m.cost_minor
         ${from} WHERE ${where}
        ORDER BY (m.status = 'skipped'), m.id LIMIT $6 OFFSET $7`,
      [...params, page.limit, page.offset],
    ),
    sql.query<{ n: number }>(`SELECT count(*)::int AS n ${from} WHERE ${where}`, params),
  ]);
  const iso = (v: Date | string) => new Date(v).toISOString();
  return {
    total: count[0]?.n ?? 0,
    items: rows.map((r) => ({
      id: Number(r.id),
      customerId: Number(r.customer_id),
      customerName: r.customer_name,
      channel: r.channel,
      status: r.status,
      reason: r.reason,
      address: r.address,
      parentId: r.parent_id === null ? null : Number(r.parent_id),
      sendAfter: iso(r.send_after),
      sentAt: r.sent_at === null ? null : iso(r.sent_at),
      updatedAt: iso(r.updated_at),
      costMinor: r.cost_minor,
    })),
  };
}

/** Messages by status for each of these campaigns (the campaign list's counts). */
export async function campaignStatusCounts(
  sql: Sql,
  workspaceId: number,
  campaignIds: readonly number[],
): Promise<Map<number, Record<string, number>>> {
  const out = new Map<number, Record<string, number>>();
  if (campaignIds.length === 0) return out;
  const rows = await sql.query<{ campaign_id: number; status: string; n: number }>(
    `SELECT campaign_id, status, count(*)::int AS n FROM messages
      WHERE workspace_id = $1 AND campaign_id = ANY($2::bigint[])
      GROUP BY 1, 2`,
    [workspaceId, campaignIds],
  );
  for (const r of rows) {
    const id = Number(r.campaign_id);
    const counts = out.get(id) ?? {};
    counts[r.status] = r.n;
    out.set(id, counts);
  }
  return out;
}
