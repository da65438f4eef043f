/** The consent ledger: append and read, never update or delete. */

import type { MessageChannel, MessagePurpose } from '../../core/messaging/channel.ts';
import type { ConsentEntry, ConsentSource } from '../../core/messaging/consent.ts';
import type { Sql } from '../connect.ts';

export interface ConsentInsert {
  customerId: number;
  entry: ConsentEntry;
}

export async function insertConsents(sql: Sql, workspaceId: number, rows: ConsentInsert[]): Promise<void> {
  if (rows.length === 0) return;
  await sql.query(
    `INSERT INTO consents (workspace_id, customer_id, channel, purpose, action, source, at, wording_version, actor)
     SELECT $1, t.customer_id, t.channel, t.purpose, t.action, t.source, t.at, t.wording_version, t.actor
       FROM unnest($2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[], $8::text[], $9::text[])
         AS t(customer_id, channel, purpose, action, source, at, wording_version, actor)`,
    [
      workspaceId,
      rows.map((r) => r.customerId),
      rows.map((r) => r.entry.channel),
      rows.map((r) => r.entry.purpose),
      rows.map((r) => r.entry.action),
      rows.map((r) => r.entry.source),
      rows.map((r) => new Date(r.entry.at).toISOString()),
      rows.map((r) => r.entry.wordingVersion),
      rows.map((r) => r.entry.actor),
    ],
  );
}

type Raw = {
  customer_id: number;
  channel: MessageChannel;
  purpose: MessagePurpose;
  action: 'granted' | 'withdrawn';
  source: ConsentSource;
  at: Date | string;
  wording_version: string | null;
  actor: string;
};

/** Each customer's ledger in the order it was written (time, then arrival). */
export async function loadConsents(
  sql: Sql,
  workspaceId: number,
  customerIds: readonly number[],
): Promise<Map<number, ConsentEntry[]>> {
  const out = new Map<number, ConsentEntry[]>();
  if (customerIds.length === 0) return out;
  const rows = await sql.query<Raw>(
    `SELECT customer_id, channel, purpose, action, source, at, wording_version, actor FROM consents
      WHERE workspace_id = $1 AND customer_id = ANY($2::bigint[]) ORDER BY customer_id, at, id`,
    [workspaceId, customerIds],
  );
  for (const r of rows) {
    const entry: ConsentEntry = {
      channel: r.channel,
      purpose: r.purpose,
      action: r.action,
      source: r.source,
      at: new Date(r.at).getTime(),
      wordingVersion: r.wording_version,
      actor: r.actor,
    };
    const list = out.get(r.customer_id);
    if (list) list.push(entry);
    else out.set(r.customer_id, [entry]);
  }
  return out;
}
