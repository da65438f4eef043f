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

/** Purchases: completed, amount > 0, with a customer. */
const PURCHASE = `workspace_id = $1 AND customer_id IS NOT NULL AND status = 'completed' AND amount > 0`;

/**
 * One row of the text: `customer,day,micros,id,amount[,cost]`. `day` is the epoch day of
 * `ordered_on`; `micros` the epoch microseconds of `ordered_at` (date_part's double is within a
 * fraction of a microsecond, the cast rounds to the integer; text of an integer does not depend
 * on extra_float_digits); `amount` and `cost` are the exact numeric text; a null cost is skipped
 * by concat_ws.
 */
const FULL_ROW = `concat_ws(',', customer_id, ordered_on - DATE '1970-01-01',
  (date_part('epoch', ordered_at) * 1000000)::int8, id, amount, cost)`;
/** `customer,day` only. */
const DAY_ROW = `concat_ws(',', customer_id, ordered_on - DATE '1970-01-01')`;

/**
 * Purchases (completed, amount > 0, with a customer) as typed columns, ordered by customer
 * and time (customer id, day, time, order id): the input of the core's columnar pass.
 * Optionally only some customers and only days up to `upTo` (inclusive).
 *
 * Rows come back as text aggregated in the database (`string_agg`, rows joined by ';'): both
 * drivers build a JS object per result row, which costs several times what the database spends
 * producing it (PGlite ~20×); one text value per slice costs one string. The whole workspace is
 * read in slices of the order id range (several at once when `sql` is a pool); an order is in
 * exactly one slice whatever happens to it meanwhile, since ids never change. Sorting is done
 * here, in linear time for compact customer ids: cheaper than an ORDER BY in the database.
 */
export async function loadPurchaseColumns(
  sql: Sql,
  workspaceId: number,
  opts: { customerIds?: number[]; upTo?: string } = {},
): Promise<PurchaseColumns> {
  const params: unknown[] = [workspaceId];
  let where = PURCHASE;
  if (opts.upTo) {
    params.push(opts.upTo);
    where += ` AND ordered_on <= $${params.length}::date`;
  }
  if (opts.customerIds) {
    if (opts.customerIds.length === 0) return emptyColumns(0);
    params.push(opts.customerIds);
    where += ` AND customer_id = ANY($${params.length}::bigint[])`;
    const [r] = await sql.query<{ rows: string | null }>(
      `SELECT string_agg(${FULL_ROW}, ';') AS rows FROM orders WHERE ${where}`,
      params,
    );
    return sortColumns(parseRows(r?.rows ?? null));
  }
  return loadSlices(sql, workspaceId, FULL_ROW, where, params);
}

/**
 * The purchases a report on `[from, to)` as of `upTo` needs, in the same shape and order as
 * `loadPurchaseColumns(sql, workspaceId, { upTo })`: every purchase with its customer and day,
 * but time, order id, amount and cost only inside the period. Outside it they are unknown:
 * time and order id 0, cost NaN, amount +Infinity (positive, so the row stays a purchase, and
 * loud if ever summed). That is enough for every period KPI (a customer's first row is still
 * their first purchase; rows within a day are ordered only inside the period, where it
 * matters) and for statuses and cycles on any day (they read days only), at about 60 % of the
 * cost of the full load.
 */
export async function loadPeriodPurchaseColumns(
  sql: Sql,
  workspaceId: number,
  opts: { upTo: string; from: string; to: string },
): Promise<PurchaseColumns> {
  const row = `CASE WHEN ordered_on >= $3::date AND ordered_on < $4::date THEN ${FULL_ROW} ELSE ${DAY_ROW} END`;
  return loadSlices(sql, workspaceId, row, `${PURCHASE} AND ordered_on <= $2::date`, [
    workspaceId,
    opts.upTo,
    opts.from,
    opts.to,
  ]);
}

const SLICE_IDS = 262_144;
const MAX_SLICES = 1024;
/** Slices in flight at once (on PostgreSQL they run on separate pool connections). */
const IN_FLIGHT = 4;

/**
 * Every purchase matching `where` in slices of the order id range: ids follow arrival, so a
 * slice is a short run of the primary key and of the heap, and its text ~10 MB.
 */
async function loadSlices(
  sql: Sql,
  workspaceId: number,
  row: string,
  where: string,
  params: unknown[],
): Promise<PurchaseColumns> {
  const [range] = await sql.query<{ lo: number | null; hi: number | null }>(
    'SELECT min(id) AS lo, max(id) AS hi FROM orders WHERE workspace_id = $1',
    [workspaceId],
  );
  const lo = range?.lo ?? null;
  const hi = range?.hi ?? null;
  if (lo === null || hi === null) return emptyColumns(0);
  const slices = Math.min(MAX_SLICES, Math.max(1, Math.ceil((hi - lo + 1) / SLICE_IDS)));
  const width = Math.ceil((hi - lo + 1) / slices);
  const a = params.length + 1;
  const text = (last: boolean) =>
    `SELECT string_agg(${row}, ';') AS rows FROM orders
      WHERE ${where} AND id >= $${a}${last ? '' : ` AND id < $${a + 1}`}`;
  const parts: PurchaseColumns[] = [];
  let next = 0;
  const worker = async () => {
    while (next < slices) {
      const k = next++;
      const last = k === slices - 1;
      const from = lo + k * width;
      const [r] = await sql.query<{ rows: string | null }>(
        text(last),
        last ? [...params, from] : [...params, from, from + width],
      );
      parts[k] = parseRows(r?.rows ?? null);
    }
  };
  await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, slices) }, worker));
  return sortColumns(concatColumns(parts));
}

function emptyColumns(n: number): PurchaseColumns {
  return {
    length: n,
    customerId: new Float64Array(n),
    day: new Int32Array(n),
    at: new Float64Array(n),
    orderId: new Float64Array(n),
    amountCents: new Float64Array(n),
    costCents: new Float64Array(n),
  };
}

const COMMA = 44;
const SEMI = 59;
const MINUS = 45;
const DOT = 46;
const ZERO = 48;
const NINE = 57;
const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/** `digits / 10^frac` expressed in units of 10^-places, rounded when it has more places. */
function scaled(digits: number, frac: number, places: number): number {
  if (frac <= places) return digits * POW10[places - frac]!;
  return Math.round(digits / POW10[Math.min(frac - places, 15)]!);
}

/**
 * Parses aggregated rows (see FULL_ROW / DAY_ROW) into columns, in the order received; a
 * `customer,day` row gets time 0, order id 0, amount +Infinity and no cost (see
 * loadPeriodPurchaseColumns). One pass over the characters: each number is read as its digits
 * and the count of digits after the point, so money and microseconds come out exact.
 */
export function parseRows(text: string | null): PurchaseColumns {
  if (text === null || text.length === 0) return emptyColumns(0);
  let n = 1;
  for (let p = text.indexOf(';'); p >= 0; p = text.indexOf(';', p + 1)) n++;
  const out = emptyColumns(n);
  const { customerId, day, at, orderId, amountCents, costCents } = out;
  const s = text;
  const end = s.length;
  let j = 0;
  let field = 0;
  let digits = 0;
  let frac = -1;
  let neg = false;
  let start = 0;
  let other = false;
  for (let p = 0; p <= end; p++) {
    const c = p < end ? s.charCodeAt(p) : SEMI;
    if (c >= ZERO && c <= NINE) {
      digits = digits * 10 + (c - ZERO);
      if (frac >= 0) frac++;
      continue;
    }
    if (c === DOT) {
      frac = 0;
      continue;
    }
    if (c === MINUS && p === start) {
      neg = true;
      continue;
    }
    if (c !== COMMA && c !== SEMI) {
      other = true; // an exponent ('1e+15'): read the token as a float below
      continue;
    }
    let f = Math.max(frac, 0);
    let v = neg ? -digits : digits;
    if (other) {
      // Exponent notation: express the float with 6 decimals (ample for every field).
      v = Math.round(Number.parseFloat(s.slice(start, p)) * 1e6);
      f = 6;
    }
    switch (field) {
      case 0:
        customerId[j] = scaled(v, f, 0);
        break;
      case 1:
        day[j] = scaled(v, f, 0);
        break;
      case 2:
        at[j] = scaled(v, f, 0) / 1000;
        break;
      case 3:
        orderId[j] = scaled(v, f, 0);
        break;
      case 4:
        amountCents[j] = scaled(v, f, 2);
        break;
      default:
        costCents[j] = scaled(v, f, 2);
    }
    field++;
    digits = 0;
    frac = -1;
    neg = false;
    other = false;
    start = p + 1;
    if (c === SEMI) {
      if (field === 2) amountCents[j] = Number.POSITIVE_INFINITY;
      if (field < 6) costCents[j] = Number.NaN;
      j++;
      field = 0;
    }
  }
  return out;
}

function concatColumns(parts: PurchaseColumns[]): PurchaseColumns {
  if (parts.length === 1) return parts[0]!;
  let n = 0;
  for (const c of parts) n += c.length;
  const out = emptyColumns(n);
  let o = 0;
  for (const c of parts) {
    out.customerId.set(c.customerId, o);
    out.day.set(c.day, o);
    out.at.set(c.at, o);
    out.orderId.set(c.orderId, o);
    out.amountCents.set(c.amountCents, o);
    out.costCents.set(c.costCents, o);
    o += c.length;
  }
  return out;
}

/** True when row a of `c` comes after row b in (day, at, orderId) order. */
function after(c: PurchaseColumns, a: number, b: number): boolean {
  if (c.day[a] !== c.day[b]) return c.day[a]! > c.day[b]!;
  if (c.at[a] !== c.at[b]) return c.at[a]! > c.at[b]!;
  return c.orderId[a]! > c.orderId[b]!;
}

/**
 * Sorted by (customer id, day, at, order id): a stable counting sort by customer when the ids
 * are integers in a compact range (the usual case), else a comparison sort; then each
 * customer's rows are put in time order (usually already: rows arrive in id order).
 */
export function sortColumns(c: PurchaseColumns): PurchaseColumns {
  const n = c.length;
  if (n === 0) return c;
  const ids = c.customerId;
  let min = ids[0]!;
  let max = ids[0]!;
  let integral = true;
  for (let i = 0; i < n; i++) {
    const id = ids[i]!;
    if (id < min) min = id;
    if (id > max) max = id;
    if (integral && !Number.isInteger(id)) integral = false;
  }
  let order: Int32Array;
  if (integral && max - min <= 4 * n + 1_048_576) {
    const start = new Int32Array(max - min + 2);
    for (let i = 0; i < n; i++) start[ids[i]! - min + 1]!++;
    for (let k = 1; k < start.length; k++) start[k]! += start[k - 1]!;
    order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[start[ids[i]! - min]!++] = i;
  } else {
    const idx = Array.from({ length: n }, (_, i) => i);
    idx.sort((a, b) => ids[a]! - ids[b]! || a - b);
    order = Int32Array.from(idx);
  }
  const out = emptyColumns(n);
  for (let r = 0; r < n; r++) {
    const i = order[r]!;
    out.customerId[r] = ids[i]!;
    out.day[r] = c.day[i]!;
    out.at[r] = c.at[i]!;
    out.orderId[r] = c.orderId[i]!;
    out.amountCents[r] = c.amountCents[i]!;
    out.costCents[r] = c.costCents[i]!;
  }
  // Time order within each customer: insertion sort of the (few, nearly sorted) rows.
  for (let s = 0; s < n; ) {
    let e = s + 1;
    while (e < n && out.customerId[e] === out.customerId[s]) e++;
    if (e - s > 64) {
      let sorted = true;
      for (let r = s + 1; r < e && sorted; r++) sorted = !after(out, r - 1, r);
      if (!sorted) sortRange(out, s, e);
      s = e;
      continue;
    }
    for (let r = s + 1; r < e; r++) {
      if (!after(out, r - 1, r)) continue;
      const d = out.day[r]!;
      const t = out.at[r]!;
      const o = out.orderId[r]!;
      const a = out.amountCents[r]!;
      const k = out.costCents[r]!;
      let j = r - 1;
      while (
        j >= s &&
        (out.day[j]! > d ||
          (out.day[j] === d && (out.at[j]! > t || (out.at[j] === t && out.orderId[j]! > o))))
      ) {
        out.day[j + 1] = out.day[j]!;
        out.at[j + 1] = out.at[j]!;
        out.orderId[j + 1] = out.orderId[j]!;
        out.amountCents[j + 1] = out.amountCents[j]!;
        out.costCents[j + 1] = out.costCents[j]!;
        j--;
      }
      out.day[j + 1] = d;
      out.at[j + 1] = t;
      out.orderId[j + 1] = o;
      out.amountCents[j + 1] = a;
      out.costCents[j + 1] = k;
    }
    s = e;
  }
  return out;
}

/** Comparison sort of rows [s, e) by (day, at, orderId), for a customer with many rows. */
function sortRange(c: PurchaseColumns, s: number, e: number): void {
  const idx = Array.from({ length: e - s }, (_, k) => s + k);
  idx.sort((a, b) => (after(c, a, b) ? 1 : after(c, b, a) ? -1 : 0));
  const cols = [c.day, c.at, c.orderId, c.amountCents, c.costCents] as const;
  const tmp = new Float64Array(idx.length);
  for (const col of cols) {
    for (let k = 0; k < idx.length; k++) tmp[k] = col[idx[k]!]!;
    for (let k = 0; k < idx.length; k++) col[s + k] = tmp[k]!;
  }
}
