import type { Sql } from '../connect.ts';

export interface PurchaseColumns {
  length: number;
  customerId: Float64Array;
  day: Int32Array;
  at: Float64Array;
  orderId: Float64Array;
  amountCents: Float64Array;
  costCents: Float64Array;
}

const EPOCH = `DATE '1970-01-01'`;

/**
 * Purchases (completed, amount > 0, with a customer) as typed columns, ordered by customer
 * and time: the input of the core's columnar pass. Optionally only some customers and only
 * days up to `upTo` (inclusive).
 */
export async function loadPurchaseColumns(
  sql: Sql,
  workspaceId: number,
  opts: { customerIds?: number[]; upTo?: string } = {},
): Promise<PurchaseColumns> {
  const params: unknown[] = [workspaceId];
  let where = `workspace_id = $1 AND customer_id IS NOT NULL AND status = 'completed' AND amount > 0`;
  if (opts.customerIds) {
    params.push(opts.customerIds);
    where += ` AND customer_id = ANY($${params.length}::bigint[])`;
  }
  if (opts.upTo) {
    params.push(opts.upTo);
    where += ` AND ordered_on <= $${params.length}::date`;
  }
  const rows = await sql.query<{ c: number; d: number; t: number; i: number; a: number; k: number | null }>(
    `SELECT customer_id AS c, (ordered_on - ${EPOCH}) AS d, (extract(epoch FROM ordered_at) * 1000)::float8 AS t,
            id AS i, (amount * 100)::float8 AS a, (cost * 100)::float8 AS k
       FROM orders WHERE ${where}
      ORDER BY customer_id, ordered_on, ordered_at, id`,
    params,
  );
  const n = rows.length;
  const out: PurchaseColumns = {
    length: n,
    customerId: new Float64Array(n),
    day: new Int32Array(n),
    at: new Float64Array(n),
    orderId: new Float64Array(n),
    amountCents: new Float64Array(n),
    costCents: new Float64Array(n),
  };
  for (let j = 0; j < n; j++) {
    const r = rows[j]!;
    out.customerId[j] = r.c;
    out.day[j] = r.d;
    out.at[j] = r.t;
    out.orderId[j] = r.i;
    out.amountCents[j] = Math.round(r.a);
    out.costCents[j] = r.k === null ? Number.NaN : Math.round(r.k);
  }
  return out;
}
