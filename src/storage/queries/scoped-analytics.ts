/** Reads for analytics restricted to one manager's customers, and segment counts. */
import type { Sql } from '../connect.ts';

/** Ids of the (unmerged) customers assigned to a manager. */
export async function managerCustomerIds(
  sql: Sql,
  workspaceId: number,
  managerStaffId: number,
): Promise<number[]> {
  const rows = await sql.query<{ id: number }>(
    'SELECT id FROM customers WHERE workspace_id = $1 AND manager_id = $2 AND merged_into IS NULL ORDER BY id',
    [workspaceId, managerStaffId],
  );
  return rows.map((r) => r.id);
}

export interface SegmentCountRow {
  dimension: 'status' | 'rfm_segment' | 'cvm_stage';
  value: string | null;
  count: number;
}

/** Counts by lifecycle status, RFM segment and CVM stage from the stored aggregates, in one pass. */
export async function segmentCountsStored(
  sql: Sql,
  workspaceId: number,
  visibleManager: number | null,
): Promise<{ rows: SegmentCountRow[]; asOf: string | null; customers: number }> {
  const params: unknown[] = [workspaceId];
  let scope = '';
  if (visibleManager !== null) {
    params.push(visibleManager);
    scope = 'AND manager_id = $2';
  }
  const rows = await sql.query<{
    status: string | null;
    rfm_segment: string | null;
    cvm_stage: string | null;
    g: number;
    n: number;
    as_of: string | null;
  }>(
    `SELECT status, rfm_segment, cvm_stage, GROUPING(status, rfm_segment, cvm_stage)::int AS g, count(*)::int AS n,
            max(aggregates_as_of) AS as_of
       FROM customers WHERE workspace_id = $1 AND merged_into IS NULL ${scope}
      GROUP BY GROUPING SETS ((status), (rfm_segment), (cvm_stage), ())`,
    params,
  );
  const out: SegmentCountRow[] = [];
  let asOf: string | null = null;
  let customers = 0;
  for (const r of rows) {
    // GROUPING bits: status = 4, rfm_segment = 2, cvm_stage = 1 (1 = not grouped by it).
    if (r.g === 7) {
      asOf = r.as_of;
      customers = r.n;
    } else if (r.g === 3) out.push({ dimension: 'status', value: r.status, count: r.n });
    else if (r.g === 5) out.push({ dimension: 'rfm_segment', value: r.rfm_segment, count: r.n });
    else if (r.g === 6) out.push({ dimension: 'cvm_stage', value: r.cvm_stage, count: r.n });
  }
  return { rows: out, asOf, customers };
}
