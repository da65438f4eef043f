/**
 * An order pushed by an integration (POS, booking, shop): through the same path as imports
 * (`recordOrders`: identity resolution, catalog, aggregates in one transaction). The order's
 * identity is its external id; re-sending one that exists returns it unchanged.
 */
import { randomUUID } from 'node:crypto';
import { AppError } from '../../core/errors.ts';
import { normalizeEmail, normalizePhone } from '../../core/import/values.ts';
import { decimalToCents, type OrderStatus } from '../../core/types.ts';
import type { Database } from '../../storage/connect.ts';
import { findOrder, findOrderIdByKey, type OrderRecord } from '../../storage/queries/customer-card.ts';
import { identifiersOf } from '../../storage/queries/identifiers.ts';
import { ensureEvaluated } from '../analytics/customer-aggregates.ts';
import { type OrderInput, recordOrders } from '../orders/record-orders.ts';
import { type FieldProblem, workspaceContext } from './context.ts';
import { failIfProblems } from './customer-input.ts';
import { visibleCustomer } from './get-customer-card.ts';
import { type Principal, requirePermission, visibleManager } from './principal.ts';

export interface NewOrder {
  externalId?: string | null;
  customer?: {
    id?: number | null;
    externalId?: string | null;
    phone?: string | null;
    email?: string | null;
    name?: string | null;
  } | null;
  /** ISO 8601 date-time with offset. */
  orderedAt: string;
  /** Decimal string, e.g. "1500.00". */
  amount: string;
  status?: OrderStatus;
  lines?: { item: string; category?: string | null; quantity?: number; amount: string }[];
}

export interface CreatedOrder {
  order: OrderRecord;
  created: boolean;
  currency: string;
}

function cents(raw: string, path: string, problems: FieldProblem[]): number {
  try {
    return decimalToCents(raw);
  } catch {
    problems.push({ path, message: 'a decimal amount such as 1500.00' });
    return 0;
  }
}

export async function createOrder(
  db: Database,
  principal: Principal,
  input: NewOrder,
  opts: { idempotencyKey?: string | null } = {},
): Promise<CreatedOrder> {
  requirePermission(principal, 'orders:write');
  const ws = principal.workspaceId;
  const { settings, today } = await workspaceContext(db, ws);
  const problems: FieldProblem[] = [];
  const at = Date.parse(input.orderedAt);
  if (Number.isNaN(at)) problems.push({ path: 'ordered_at', message: 'an ISO 8601 date-time' });
  const amountCents = cents(input.amount, 'amount', problems);
  const lines = (input.lines ?? []).map((l, i) => ({
    item: l.item,
    category: l.category ?? null,
    quantity: l.quantity ?? 1,
    amountCents: cents(l.amount, `lines.${i}.amount`, problems),
  }));

  const customer: OrderInput['customer'] = {};
  const c = input.customer;
  if (c?.id != null) {
    // Attach by id: through one of the customer's identifiers, the way every order is matched.
    await visibleCustomer(db, principal, c.id).catch((e: unknown) => {
      if (e instanceof AppError && e.code === 'not_found') {
        problems.push({ path: 'customer.id', message: e.message });
        return;
      }
      throw e;
    });
    const ids = await identifiersOf(db, ws, [c.id]);
    const pick = (kind: string) => ids.find((i) => i.kind === kind)?.value ?? null;
    const external = pick('external');
    const phone = pick('phone');
    const email = pick('email');
    if (external) customer.externalId = external;
    else if (phone) customer.phone = phone;
    else if (email) customer.email = email;
    else if (problems.length === 0) {
      problems.push({
        path: 'customer.id',
        message: 'the customer has no external id, phone or e-mail to match orders by',
      });
    }
  } else if (c) {
    if (c.externalId) customer.externalId = c.externalId.trim();
    if (c.phone) {
      const p = normalizePhone(c.phone, settings.country);
      if (p.ok) customer.phone = p.value;
      else problems.push({ path: 'customer.phone', message: p.error });
    }
    if (c.email) {
      const e = normalizeEmail(c.email);
      if (e.ok) customer.email = e.value;
      else problems.push({ path: 'customer.email', message: e.error });
    }
    if (c.name) customer.name = c.name;
  }
  failIfProblems(problems);

  const externalId =
    input.externalId?.trim() || (opts.idempotencyKey ? `api:${opts.idempotencyKey}` : `api:${randomUUID()}`);
  const result = await recordOrders(
    db,
    ws,
    [
      {
        externalId,
        customer,
        at,
        amountCents,
        ...(input.status ? { status: input.status } : {}),
        lines,
      },
    ],
    { settings, asOf: today },
  );
  // A workspace fed only through the API gets its first RFM cut points now, not at the nightly recompute.
  if (result.created > 0) await ensureEvaluated(db, ws, today, settings);
  const id = await findOrderIdByKey(db, ws, `x:${externalId}`);
  const order = id === null ? null : await findOrder(db, ws, id, null);
  if (!order) throw new AppError('not_found', `order ${externalId} was not stored`);
  return { order, created: result.created > 0, currency: settings.currency };
}

export async function getOrder(db: Database, principal: Principal, id: number): Promise<CreatedOrder> {
  requirePermission(principal, 'customers:read');
  const order = await findOrder(db, principal.workspaceId, id, visibleManager(principal));
  if (!order) throw new AppError('not_found', `no order ${id}`);
  const { settings } = await workspaceContext(db, principal.workspaceId);
  return { order, created: false, currency: settings.currency };
}

export type { OrderRecord };
