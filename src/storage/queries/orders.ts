import type { Sql } from '../connect.ts';

export interface OrderInsert {
  orderKey: string;
  externalId: string | null;
  customerId: number | null;
  orderedAt: Date;
  orderedOn: string;
  amount: string;
  cost: string | null;
  status: string;
  channel: string | null;
  source: string | null;
  staffId: number | null;
  branchId: number | null;
  importBatchId: number | null;
}

export interface LineInsert {
  orderId: number;
  lineNo: number;
  productId: number | null;
  item: string | null;
  categoryId: number | null;
  quantity: string;
  unitPrice: string | null;
  amount: string;
  staffId: number | null;
}

/** Existing orders among `keys`: id, the batch that wrote them, and their next free line number. */
export async function findOrdersByKey(
  sql: Sql,
  workspaceId: number,
  keys: string[],
): Promise<
  Map<string, { id: number; importBatchId: number | null; nextLineNo: number; customerId: number | null }>
> {
  const out = new Map<
    string,
    { id: number; importBatchId: number | null; nextLineNo: number; customerId: number | null }
  >();
  if (keys.length === 0) return out;
  const rows = await sql.query<{
    order_key: string;
    id: number;
    import_batch_id: number | null;
    customer_id: number | null;
    next_line: number;
  }>(
    `SELECT o.order_key, o.id, o.import_batch_id, o.customer_id,
            COALESCE((SELECT max(l.line_no) FROM order_lines l WHERE l.workspace_id = o.workspace_id AND l.order_id = o.id), 0) + 1 AS next_line
       FROM orders o WHERE o.workspace_id = $1 AND o.order_key = ANY($2::text[])`,
    [workspaceId, keys],
  );
  for (const r of rows) {
    out.set(r.order_key, {
      id: r.id,
      importBatchId: r.import_batch_id,
      nextLineNo: r.next_line,
      customerId: r.customer_id,
    });
  }
  return out;
}

/** Inserts orders that do not exist yet (by key); returns key → id of the ones inserted. */
export async function insertOrders(
  sql: Sql,
  workspaceId: number,
  rows: OrderInsert[],
): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (rows.length === 0) return out;
  const inserted = await sql.query<{ id: number; order_key: string }>(
    `INSERT INTO orders (workspace_id, order_key, external_id, customer_id, ordered_at, ordered_on, amount, cost, status,
                         channel, source, staff_id, branch_id, import_batch_id)
     SELECT $1, t.* FROM unnest($2::text[], $3::text[], $4::bigint[], $5::timestamptz[], $6::date[], $7::numeric[],
                                $8::numeric[], $9::text[], $10::text[], $11::text[], $12::bigint[], $13::bigint[], $14::bigint[])
       AS t(order_key, external_id, customer_id, ordered_at, ordered_on, amount, cost, status, channel, source, staff_id,
            branch_id, import_batch_id)
     ON CONFLICT (workspace_id, order_key) DO NOTHING
     RETURNING id, order_key`,
    [
      workspaceId,
      rows.map((r) => r.orderKey),
      rows.map((r) => r.externalId),
      rows.map((r) => r.customerId),
      rows.map((r) => r.orderedAt.toISOString()),
      rows.map((r) => r.orderedOn),
      rows.map((r) => r.amount),
      rows.map((r) => r.cost),
      rows.map((r) => r.status),
      rows.map((r) => r.channel),
      rows.map((r) => r.source),
      rows.map((r) => r.staffId),
      rows.map((r) => r.branchId),
      rows.map((r) => r.importBatchId),
    ],
  );
  for (const r of inserted) out.set(r.order_key, r.id);
  return out;
}

export async function insertOrderLines(sql: Sql, workspaceId: number, rows: LineInsert[]): Promise<void> {
  if (rows.length === 0) return;
  await sql.query(
    `INSERT INTO order_lines (workspace_id, order_id, line_no, product_id, item, category_id, quantity, unit_price, amount, staff_id)
     SELECT $1, t.* FROM unnest($2::bigint[], $3::int[], $4::bigint[], $5::text[], $6::bigint[], $7::numeric[], $8::numeric[],
                                $9::numeric[], $10::bigint[])
       AS t(order_id, line_no, product_id, item, category_id, quantity, unit_price, amount, staff_id)`,
    [
      workspaceId,
      rows.map((r) => r.orderId),
      rows.map((r) => r.lineNo),
      rows.map((r) => r.productId),
      rows.map((r) => r.item),
      rows.map((r) => r.categoryId),
      rows.map((r) => r.quantity),
      rows.map((r) => r.unitPrice),
      rows.map((r) => r.amount),
      rows.map((r) => r.staffId),
    ],
  );
}

/**
 * Adds to an order's amount when more of its lines arrive later in the same file (a
 * random-order line export); a negative result turns the order into a return.
 */
export async function addToOrderAmounts(
  sql: Sql,
  workspaceId: number,
  rows: { id: number; amount: string }[],
): Promise<void> {
  if (rows.length === 0) return;
  await sql.query(
    `UPDATE orders o SET amount = o.amount + t.amount,
            status = CASE WHEN o.amount + t.amount < 0 AND o.status = 'completed' THEN 'refunded' ELSE o.status END,
            updated_at = now()
       FROM unnest($2::bigint[], $3::numeric[]) AS t(id, amount)
      WHERE o.workspace_id = $1 AND o.id = t.id`,
    [workspaceId, rows.map((r) => r.id), rows.map((r) => r.amount)],
  );
}

/** Sets an order's status (cancel, refund); returns its customer, or undefined when no such order. */
export async function setOrderStatus(
  sql: Sql,
  workspaceId: number,
  orderId: number,
  status: string,
): Promise<{ customerId: number | null } | undefined> {
  const rows = await sql.query<{ customer_id: number | null }>(
    `UPDATE orders SET status = $3, updated_at = now() WHERE workspace_id = $1 AND id = $2 RETURNING customer_id`,
    [workspaceId, orderId, status],
  );
  return rows[0] ? { customerId: rows[0].customer_id } : undefined;
}

export async function findOrderCustomer(
  sql: Sql,
  workspaceId: number,
  orderId: number,
): Promise<{ customerId: number | null } | undefined> {
  const rows = await sql.query<{ customer_id: number | null }>(
    'SELECT customer_id FROM orders WHERE workspace_id = $1 AND id = $2',
    [workspaceId, orderId],
  );
  return rows[0] ? { customerId: rows[0].customer_id } : undefined;
}
