/**
 * Groups normalised order rows into orders. Adjacent rows with the same external id are
 * one order (Shopify: one row per line item, later rows with blank Email/Total/… — the
 * first non-null value of each field wins); a row without an external id is an order of
 * its own. Orders without an external id get a content key, stable across re-imports.
 */
import type { Day } from '../day.ts';
import type { Cents, OrderStatus } from '../types.ts';
import { HashSet64, hashFields } from './hash.ts';
import type { CustomerKeys, LineItem, OrderRow } from './rows.ts';

export interface AssembledOrder {
  /** `x:` + external id, or `c:` + 64-bit content hash (hex) + `#n` (n-th identical order in the file). */
  key: string;
  externalId: string | null;
  customer: CustomerKeys;
  at: number;
  day: Day;
  status: OrderStatus;
  /** The order-total column when a row had it (see below), else the sum of line amounts. */
  totalCents: Cents;
  costCents: Cents | null;
  /** Shopify's Refunded Amount, when present. */
  refundedCents?: Cents | null;
  lines: LineItem[];
  staff: string | null;
  branch: string | null;
  channel: string | null;
  source: string | null;
  firstLine: number;
  lastLine: number;
  /** Source rows in this order. */
  rowCount: number;
}

const CUSTOMER_FIELDS = [
  'externalId',
  'phone',
  'email',
  'name',
  'birthday',
  'gender',
  'telegram',
  'whatsapp',
  'vk',
  'max',
] as const satisfies readonly (keyof CustomerKeys)[];

export class OrderAssembler {
  private group: OrderRow[] = [];
  /** Content hashes seen in this file, and occurrence counts of the repeated ones. */
  private readonly seen = new HashSet64();
  private readonly repeats = new Map<string, number>();

  /**
   * Add a row; returns the orders this row completed (all of them end before `row.line`).
   * The row's own order stays open until a later row or `flush()`.
   */
  push(row: OrderRow): AssembledOrder[] {
    const g = this.group;
    if (g.length > 0 && row.externalId !== null && g[0]!.externalId === row.externalId) {
      g.push(row);
      return [];
    }
    const out = g.length > 0 ? [this.build(g)] : [];
    this.group = [row];
    return out;
  }

  /** The last open order, if any. */
  flush(): AssembledOrder[] {
    const g = this.group;
    this.group = [];
    return g.length > 0 ? [this.build(g)] : [];
  }

  private build(rows: OrderRow[]): AssembledOrder {
    const first = rows[0]!;
    const n = rows.length;
    const customer: CustomerKeys = n === 1 ? first.customer : mergeCustomers(rows);

    let status: OrderStatus = 'completed';
    for (const r of rows) {
      if (r.statusExplicit) {
        status = r.status;
        break;
      }
    }

    let lines: LineItem[] = [];
    let lineSum = 0;
    let withTotal = 0;
    let firstTotal: Cents | null = null;
    for (const r of rows) {
      if (r.lineItem !== null) {
        lines.push(r.lineItem);
        lineSum += r.lineItem.amountCents;
      }
      if (r.totalCents !== null) {
        withTotal++;
        if (firstTotal === null) firstTotal = r.totalCents;
      }
    }

    // Which total: Shopify writes the order total on its first row only; receipt exports
    // (1C, Evotor) write a per-line sum on every row; some exports repeat the order total.
    let totalCents: Cents;
    if (firstTotal === null) totalCents = lineSum;
    else if (n === 1 || withTotal < n) totalCents = firstTotal;
    else {
      let allEqual = true;
      let perLine = true;
      let sum = 0;
      for (const r of rows) {
        const t = r.totalCents!;
        sum += t;
        if (t !== firstTotal) allEqual = false;
        if (r.lineItem !== null && r.lineItem.amountCents !== t) perLine = false;
      }
      if (perLine) totalCents = sum;
      else if (allEqual) totalCents = firstTotal;
      else {
        // Per-line sums after discounts: they are the line amounts.
        totalCents = sum;
        lines = [];
        lineSum = 0;
        for (const r of rows) {
          if (r.lineItem === null) continue;
          lines.push({ ...r.lineItem, amountCents: r.totalCents! });
          lineSum += r.totalCents!;
        }
      }
    }
    if (status === 'completed' && (totalCents < 0 || lineSum < 0)) status = 'refunded';

    let costCents: Cents | null = null;
    let costs = 0;
    let costSum = 0;
    let refundedCents: Cents | null = null;
    let staff: string | null = null;
    let branch: string | null = null;
    let channel: string | null = null;
    let source: string | null = null;
    for (const r of rows) {
      if (r.costCents !== null) {
        if (costCents === null) costCents = r.costCents;
        costs++;
        costSum += r.costCents;
      }
      if (refundedCents === null) refundedCents = r.refundedCents;
      if (staff === null) staff = r.staff;
      if (branch === null) branch = r.branch;
      if (channel === null) channel = r.channel;
      if (source === null) source = r.source;
    }
    // A cost on every row is a per-line cost; on some rows only, an order-level one.
    if (costs === n && n > 1) costCents = costSum;

    return {
      key:
        first.externalId !== null
          ? `x:${first.externalId}`
          : this.contentKey(customer, first.at, totalCents, lines),
      externalId: first.externalId,
      customer,
      at: first.at,
      day: first.day,
      status,
      totalCents,
      costCents,
      refundedCents,
      lines,
      staff,
      branch,
      channel,
      source,
      firstLine: first.line,
      lastLine: rows[n - 1]!.line,
      rowCount: n,
    };
  }

  /** `c:` + hash of (customer identity, instant, total, item names) + `#n`. */
  private contentKey(c: CustomerKeys, at: number, totalCents: Cents, lines: LineItem[]): string {
    const fields: (string | null)[] = [c.externalId, c.phone, c.email, c.name];
    for (const l of lines) fields.push(l.item);
    const h = hashFields(fields, [at, totalCents]);
    let n = 0;
    if (!this.seen.add(h.hi, h.lo)) {
      n = this.repeats.get(h.hex) ?? 1;
      this.repeats.set(h.hex, n + 1);
    }
    return `c:${h.hex}#${n}`;
  }
}

function mergeCustomers(rows: OrderRow[]): CustomerKeys {
  const out: CustomerKeys = { ...rows[0]!.customer };
  for (const f of CUSTOMER_FIELDS) {
    if (out[f] !== null) continue;
    for (let i = 1; i < rows.length; i++) {
      const v = rows[i]!.customer[f];
      if (v !== null) {
        (out as Record<(typeof CUSTOMER_FIELDS)[number], unknown>)[f] = v;
        break;
      }
    }
  }
  return out;
}
