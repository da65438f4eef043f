/**
 * Purchases: the only orders any metric counts, and the columnar table every hot path runs on.
 *
 * A purchase is an order with status `completed` and amount > 0 (PRODUCT.md "Definitions").
 * Orders are ordered by (day, time `at`, arrival `orderId`): the day comes first so that a
 * timestamp recorded in another zone can never move a purchase across local days.
 */
import type { Day } from '../day.ts';
import { dayToNumber, numberToDay } from '../day.ts';
import type { Cents, OrderStatus } from '../types.ts';

/** One order as the analytics see it. */
export interface OrderFact {
  /** Arrival order (import / API): higher = arrived later; breaks ties within the same instant. */
  orderId: number;
  customerId: number;
  /** Epoch milliseconds: orders the purchases within a day. */
  at: number;
  /** Local calendar day in the workspace time zone. */
  day: Day;
  amountCents: Cents;
  status: OrderStatus;
  /** Cost of the order in cents when known (LTV margin from costs); null/absent = unknown. */
  costCents?: Cents | null;
}

/** Status codes of the columnar input (`OrderColumns.status`). */
export const ORDER_STATUS_CODE: Readonly<Record<OrderStatus, number>> = {
  completed: 0,
  cancelled: 1,
  refunded: 2,
};

/** Sentinel for "no day" in Int32 day columns (epoch days of real data never get near it). */
export const NO_DAY = -2147483648;

/** True for an order that counts: completed and amount > 0. */
export function isPurchase(order: { status: OrderStatus; amountCents: Cents }): boolean {
  return order.status === 'completed' && order.amountCents > 0;
}

/** Comparator of the order of orders: day, then time, then arrival. */
export function compareOrders(
  a: { day: Day; at: number; orderId: number },
  b: { day: Day; at: number; orderId: number },
): number {
  if (a.day !== b.day) return a.day < b.day ? -1 : 1;
  if (a.at !== b.at) return a.at - b.at;
  return a.orderId - b.orderId;
}

/**
 * Columnar orders, e.g. straight from SQL. `day` is in epoch days. Rows that are not
 * purchases are dropped when the table is built.
 */
export interface OrderColumns {
  readonly length: number;
  readonly customerId: ArrayLike<number>;
  readonly day: ArrayLike<number>;
  readonly at: ArrayLike<number>;
  readonly orderId: ArrayLike<number>;
  readonly amountCents: ArrayLike<number>;
  /** `ORDER_STATUS_CODE` per row; omitted = every row completed. */
  readonly status?: ArrayLike<number>;
  /** Cost in cents per row, NaN = unknown; omitted = all unknown. */
  readonly costCents?: ArrayLike<number>;
}

/**
 * Purchases in columns, sorted by customer, then (day, at, orderId). Customer `c` (an index,
 * customers ascending by id) owns rows `offset[c] .. offset[c + 1] - 1`; a customer may own none
 * (a lead). Row 0 of a customer's range is their first purchase in all history (primary).
 */
export interface PurchaseTable {
  /** Number of customers, with or without purchases. */
  readonly customers: number;
  /** Customer id per customer index, ascending. */
  readonly customerId: Float64Array;
  /** Length `customers + 1`. */
  readonly offset: Int32Array;
  /** Number of purchase rows. */
  readonly rows: number;
  /** Customer index per row. */
  readonly customer: Int32Array;
  /** Epoch day per row. */
  readonly day: Int32Array;
  readonly at: Float64Array;
  readonly orderId: Float64Array;
  readonly cents: Float64Array;
  /** Cost in cents, NaN = unknown. */
  readonly cost: Float64Array;
}

export interface TableOptions {
  /** Customers to include even without purchases (leads). */
  customerIds?: Iterable<number>;
}

/** Build the table from plain order objects (tests, small data, one customer). */
export function buildPurchaseTable(orders: readonly OrderFact[], options: TableOptions = {}): PurchaseTable {
  const n = orders.length;
  const cols = {
    length: n,
    customerId: new Float64Array(n),
    day: new Int32Array(n),
    at: new Float64Array(n),
    orderId: new Float64Array(n),
    amountCents: new Float64Array(n),
    status: new Uint8Array(n),
    costCents: new Float64Array(n),
  };
  for (let i = 0; i < n; i++) {
    const o = orders[i]!;
    cols.customerId[i] = o.customerId;
    cols.day[i] = dayToNumber(o.day);
    cols.at[i] = o.at;
    cols.orderId[i] = o.orderId;
    cols.amountCents[i] = o.amountCents;
    cols.status[i] = ORDER_STATUS_CODE[o.status];
    cols.costCents[i] = o.costCents ?? Number.NaN;
  }
  return purchaseTableFromColumns(cols, options);
}

/**
 * Build the table from columns in O(rows + id range): filter to purchases, map customer ids to
 * dense indices, counting-sort by customer (stable), then sort only the customers whose rows
 * arrived out of (day, at, orderId) order. Fastest with input in time or customer order.
 */
export function purchaseTableFromColumns(cols: OrderColumns, options: TableOptions = {}): PurchaseTable {
  const n = cols.length;
  const { status, amountCents, customerId: ids } = cols;
  // Pass 1: keep purchases, scan the id range.
  const keep = new Int32Array(n);
  let m = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let integral = true;
  for (let i = 0; i < n; i++) {
    if ((status === undefined || status[i] === 0) && amountCents[i]! > 0) {
      keep[m++] = i;
      const id = ids[i]!;
      if (id < min) min = id;
      if (id > max) max = id;
      if (integral && !Number.isInteger(id)) integral = false;
    }
  }
  const extra = options.customerIds ? Float64Array.from(options.customerIds) : new Float64Array(0);
  for (let k = 0; k < extra.length; k++) {
    const id = extra[k]!;
    if (id < min) min = id;
    if (id > max) max = id;
    if (!Number.isInteger(id)) integral = false;
  }

  // Dense customer indices, ascending by id: a direct-address slot table when the ids are
  // integers in a compact range, else sort + binary search.
  const total = m + extra.length;
  const rowCustomer = new Int32Array(m);
  let customerId: Float64Array;
  if (total === 0) {
    customerId = new Float64Array(0);
  } else if (integral && max - min <= 4 * total + 1_048_576) {
    const slot = new Int32Array(max - min + 1).fill(-1);
    for (let r = 0; r < m; r++) slot[ids[keep[r]!]! - min] = 0;
    for (let k = 0; k < extra.length; k++) slot[extra[k]! - min] = 0;
    let count = 0;
    for (let s = 0; s < slot.length; s++) if (slot[s] === 0) slot[s] = count++;
    customerId = new Float64Array(count);
    for (let s = 0; s < slot.length; s++) if (slot[s]! >= 0) customerId[slot[s]!] = s + min;
    for (let r = 0; r < m; r++) rowCustomer[r] = slot[ids[keep[r]!]! - min]!;
  } else {
    const all = new Float64Array(total);
    for (let r = 0; r < m; r++) all[r] = ids[keep[r]!]!;
    all.set(extra, m);
    all.sort();
    let count = 0;
    for (let k = 0; k < total; k++) if (k === 0 || all[k] !== all[k - 1]) all[count++] = all[k]!;
    customerId = all.slice(0, count);
    for (let r = 0; r < m; r++) rowCustomer[r] = lowerBound(customerId, ids[keep[r]!]!);
  }
  const customers = customerId.length;

  // Stable sort by customer. Input already grouped by customer is copied sequentially; other
  // input takes two scatter passes: first into ≤ 256 buckets of neighbouring customers (few
  // write streams, sequential reads), then within each bucket to the exact place (writes stay
  // in the bucket's region). One random scatter over the whole table measured ~2× slower.
  const offset = new Int32Array(customers + 1);
  for (let r = 0; r < m; r++) offset[rowCustomer[r]! + 1]!++;
  for (let c = 0; c < customers; c++) offset[c + 1]! += offset[c]!;
  const { day: inDay, at: inAt, orderId: inId, costCents: inCost } = cols;
  const hasCost = inCost !== undefined;
  const customer = new Int32Array(m);
  const day = new Int32Array(m);
  const at = new Float64Array(m);
  const orderId = new Float64Array(m);
  const cents = new Float64Array(m);
  const cost = new Float64Array(m);
  if (!hasCost) cost.fill(Number.NaN);
  let grouped = true;
  for (let r = 1; r < m && grouped; r++) grouped = rowCustomer[r]! >= rowCustomer[r - 1]!;
  if (grouped) {
    // Already grouped by customer (e.g. ORDER BY customer_id, …): one sequential copy.
    for (let r = 0; r < m; r++) {
      const i = keep[r]!;
      customer[r] = rowCustomer[r]!;
      day[r] = inDay[i]!;
      at[r] = inAt[i]!;
      orderId[r] = inId[i]!;
      cents[r] = amountCents[i]!;
      if (hasCost) cost[r] = inCost[i]!;
    }
  } else {
    let shift = 0;
    while ((customers - 1) >> shift >= 256) shift++;
    const buckets = ((customers - 1) >> shift) + 1;
    const bucketNext = new Int32Array(buckets);
    for (let b = 0; b < buckets; b++) bucketNext[b] = offset[Math.min(b << shift, customers)]!;
    const tCustomer = new Int32Array(m);
    const tDay = new Int32Array(m);
    const tAt = new Float64Array(m);
    const tId = new Float64Array(m);
    const tCents = new Float64Array(m);
    const tCost = new Float64Array(hasCost ? m : 0);
    for (let r = 0; r < m; r++) {
      const c = rowCustomer[r]!;
      const i = keep[r]!;
      const p = bucketNext[c >> shift]!++;
      tCustomer[p] = c;
      tDay[p] = inDay[i]!;
      tAt[p] = inAt[i]!;
      tId[p] = inId[i]!;
      tCents[p] = amountCents[i]!;
      if (hasCost) tCost[p] = inCost[i]!;
    }
    const next = offset.slice(0, customers);
    for (let q = 0; q < m; q++) {
      const c = tCustomer[q]!;
      const p = next[c]!++;
      customer[p] = c;
      day[p] = tDay[q]!;
      at[p] = tAt[q]!;
      orderId[p] = tId[q]!;
      cents[p] = tCents[q]!;
      if (hasCost) cost[p] = tCost[q]!;
    }
  }
  const table: PurchaseTable = {
    customers,
    customerId,
    offset,
    rows: m,
    customer,
    day,
    at,
    orderId,
    cents,
    cost,
  };
  for (let c = 0; c < customers; c++) {
    const s = offset[c]!;
    const e = offset[c + 1]!;
    for (let r = s + 1; r < e; r++) {
      if (rowBefore(table, r, r - 1)) {
        sortRows(table, s, e);
        break;
      }
    }
  }
  return table;
}

/** True when row `a` comes strictly before row `b` in (day, at, orderId) order. */
function rowBefore(t: PurchaseTable, a: number, b: number): boolean {
  if (t.day[a] !== t.day[b]) return t.day[a]! < t.day[b]!;
  if (t.at[a] !== t.at[b]) return t.at[a]! < t.at[b]!;
  return t.orderId[a]! < t.orderId[b]!;
}

function sortRows(t: PurchaseTable, s: number, e: number): void {
  const { day, at, orderId, cents, cost } = t;
  if (e - s <= 64) {
    // Insertion sort in place: customers have few purchases; no allocation.
    for (let i = s + 1; i < e; i++) {
      const d = day[i]!;
      const a = at[i]!;
      const o = orderId[i]!;
      const c = cents[i]!;
      const k = cost[i]!;
      let j = i - 1;
      while (j >= s && (day[j]! > d || (day[j] === d && (at[j]! > a || (at[j] === a && orderId[j]! > o))))) {
        day[j + 1] = day[j]!;
        at[j + 1] = at[j]!;
        orderId[j + 1] = orderId[j]!;
        cents[j + 1] = cents[j]!;
        cost[j + 1] = cost[j]!;
        j--;
      }
      day[j + 1] = d;
      at[j + 1] = a;
      orderId[j + 1] = o;
      cents[j + 1] = c;
      cost[j + 1] = k;
    }
    return;
  }
  const idx = new Int32Array(e - s);
  for (let k = 0; k < idx.length; k++) idx[k] = s + k;
  idx.sort((a, b) => (rowBefore(t, a, b) ? -1 : rowBefore(t, b, a) ? 1 : 0));
  const tmp = new Float64Array(idx.length);
  for (const col of [day, at, orderId, cents, cost]) {
    for (let k = 0; k < idx.length; k++) tmp[k] = col[idx[k]!]!;
    for (let k = 0; k < idx.length; k++) col[s + k] = tmp[k]!;
  }
}

/** Index of the first element ≥ value in an ascending array. */
export function lowerBound(sorted: ArrayLike<number>, value: number, length = sorted.length): number {
  let lo = 0;
  let hi = length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first element > value in an ascending array. */
export function upperBound(sorted: ArrayLike<number>, value: number, length = sorted.length): number {
  let lo = 0;
  let hi = length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Customer index of an id, or -1. */
export function customerIndex(t: PurchaseTable, customerId: number): number {
  const i = lowerBound(t.customerId, customerId);
  return i < t.customers && t.customerId[i] === customerId ? i : -1;
}

/** End (exclusive) of customer `c`'s rows with day ≤ `asOf` (rows are sorted by day). */
export function rowsEndAsOf(t: PurchaseTable, c: number, asOf: number): number {
  const s = t.offset[c]!;
  let e = t.offset[c + 1]!;
  while (e > s && t.day[e - 1]! > asOf) e--;
  return e;
}

/** One customer's purchase history. */
export interface PurchaseHistory {
  customerId: number;
  purchases: number;
  revenueCents: Cents;
  /** The primary order: the earliest purchase in all (given) history. */
  firstOrderId: number | null;
  firstDay: Day | null;
  lastDay: Day | null;
  /** Distinct purchase days, ascending. */
  purchaseDays: Day[];
  /** Day differences between consecutive purchase days. */
  intervals: number[];
}

/** The history of table customer `c`, optionally only purchases up to `asOf`. */
export function purchaseHistory(t: PurchaseTable, c: number, asOf?: Day): PurchaseHistory {
  const s = t.offset[c]!;
  const e = asOf === undefined ? t.offset[c + 1]! : rowsEndAsOf(t, c, dayToNumber(asOf));
  const days: number[] = [];
  let revenue = 0;
  for (let r = s; r < e; r++) {
    revenue += t.cents[r]!;
    if (days.length === 0 || days[days.length - 1] !== t.day[r]) days.push(t.day[r]!);
  }
  return {
    customerId: t.customerId[c]!,
    purchases: e - s,
    revenueCents: revenue,
    firstOrderId: e > s ? t.orderId[s]! : null,
    firstDay: e > s ? numberToDay(t.day[s]!) : null,
    lastDay: e > s ? numberToDay(t.day[e - 1]!) : null,
    purchaseDays: days.map(numberToDay),
    intervals: days.slice(1).map((d, k) => d - days[k]!),
  };
}

/** Histories of every customer with a purchase among `orders`, keyed by customer id. */
export function purchaseHistories(orders: readonly OrderFact[], asOf?: Day): Map<number, PurchaseHistory> {
  const t = buildPurchaseTable(orders);
  const out = new Map<number, PurchaseHistory>();
  for (let c = 0; c < t.customers; c++) {
    const h = purchaseHistory(t, c, asOf);
    if (h.purchases > 0) out.set(h.customerId, h);
  }
  return out;
}

/** Customer id → order id of their first purchase (the primary order). */
export function primaryOrderIds(orders: readonly OrderFact[]): Map<number, number> {
  const t = buildPurchaseTable(orders);
  const out = new Map<number, number>();
  for (let c = 0; c < t.customers; c++) out.set(t.customerId[c]!, t.orderId[t.offset[c]!]!);
  return out;
}
