/**
 * An order that did not come from a file row (the demo, the API) in the shape the chunk
 * writer takes, so every way in shares one write path.
 */
import type { Day } from '../../core/day.ts';
import type { AssembledOrder, CustomerKeys, LineItem } from '../../core/import/rows.ts';
import type { Cents, OrderStatus } from '../../core/types.ts';

export interface SimpleOrder {
  externalId: string;
  customer: Partial<CustomerKeys>;
  at: number;
  day: Day;
  status: OrderStatus;
  totalCents: Cents;
  lines: (Partial<LineItem> & { amountCents: Cents })[];
  staff?: string | null;
  branch?: string | null;
  /** Position in the batch, reported as the "line" of any conflict. */
  position: number;
}

export function assembledOrder(o: SimpleOrder): AssembledOrder {
  return {
    key: `x:${o.externalId}`,
    externalId: o.externalId,
    customer: {
      externalId: null,
      phone: null,
      email: null,
      name: null,
      birthday: null,
      gender: null,
      telegram: null,
      whatsapp: null,
      vk: null,
      max: null,
      ...o.customer,
    },
    at: o.at,
    day: o.day,
    status: o.status,
    totalCents: o.totalCents,
    costCents: null,
    lines: o.lines.map((l) => ({
      item: l.item ?? null,
      sku: l.sku ?? null,
      category: l.category ?? null,
      quantity: l.quantity ?? 1,
      unitPriceCents: l.unitPriceCents ?? null,
      amountCents: l.amountCents,
      staff: l.staff ?? o.staff ?? null,
    })),
    staff: o.staff ?? null,
    branch: o.branch ?? null,
    channel: null,
    source: null,
    firstLine: o.position,
    lastLine: o.position,
    rowCount: 1,
  };
}
