import type { Sql } from '../connect.ts';

export interface WorkspaceCounts {
  customers: number;
  orders: number;
  completed: number;
  cancelled: number;
  refunded: number;
  /** Sum of purchases (completed, amount > 0), exact decimal string. */
  revenue: string;
  firstOrderOn: string | null;
  lastOrderOn: string | null;
  staff: number;
  branches: number;
}

export async function workspaceCounts(sql: Sql, workspaceId: number): Promise<WorkspaceCounts> {
  const [o] = await sql.query<{
    orders: number;
    completed: number;
    cancelled: number;
    refunded: number;
    revenue: string;
    first_on: string | null;
    last_on: string | null;
  }>(
    `SELECT count(*)::int AS orders,
            count(*) FILTER (WHERE status = 'completed')::int AS completed,
            count(*) FILTER (WHERE status = 'cancelled')::int AS cancelled,
            count(*) FILTER (WHERE status = 'refunded')::int AS refunded,
            COALESCE(sum(amount) FILTER (WHERE status = 'completed' AND amount > 0), 0)::text AS revenue,
            min(ordered_on) AS first_on, max(ordered_on) AS last_on
       FROM orders WHERE workspace_id = $1`,
    [workspaceId],
  );
  const [c] = await sql.query<{ customers: number; staff: number; branches: number }>(
    `SELECT (SELECT count(*) FROM customers WHERE workspace_id = $1 AND merged_into IS NULL)::int AS customers,
            (SELECT count(*) FROM staff WHERE workspace_id = $1)::int AS staff,
            (SELECT count(*) FROM branches WHERE workspace_id = $1)::int AS branches`,
    [workspaceId],
  );
  return {
    customers: c!.customers,
    orders: o!.orders,
    completed: o!.completed,
    cancelled: o!.cancelled,
    refunded: o!.refunded,
    revenue: o!.revenue,
    firstOrderOn: o!.first_on,
    lastOrderOn: o!.last_on,
    staff: c!.staff,
    branches: c!.branches,
  };
}
