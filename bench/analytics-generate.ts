/**
 * A deterministic retail history for the analytics benchmark: `customers` customers and exactly
 * `orders` orders over the two years up to the as-of day, held in typed arrays.
 *
 * Shape (seeded, so every run and every database gets the same rows):
 * - 5 % of customers never bought (leads); 35 % of buyers bought once; the rest bought 2 … 240
 *   times (log-normal activity, scaled so the total is exactly `orders`);
 * - each repeat buyer has their own rhythm: a cycle drawn log-normal around 28 days (2 … 200),
 *   intervals jittered ±40 % around it, 3 % of visits followed by a second order the same day;
 *   the first purchase is placed so that the history fits the two years, hence a realistic mix
 *   of customers who are still coming, slipping and long gone;
 * - tickets log-normal around 2,500 RUB per customer, ±30 % per order, whole 10 RUB;
 * - 2 % of orders cancelled, 1 % refunded (kept, never counted);
 * - arrival order (the order id) is chronological to the minute, as a till records sales.
 */
import { dayToNumber } from '../src/core/day.ts';

export interface Generated {
  customers: number;
  orders: number;
  /** First and last epoch day of the history (inclusive). */
  firstDay: number;
  lastDay: number;
  /** Per order, in id order (id = index + 1). */
  customerId: Int32Array;
  day: Int32Array;
  /** Epoch ms. */
  at: Float64Array;
  cents: Float64Array;
  /** 0 completed, 1 cancelled, 2 refunded. */
  status: Uint8Array;
}

export const STATUS_NAMES = ['completed', 'cancelled', 'refunded'] as const;

/** SplitMix32-style generator: tiny, fast, good enough for synthetic data. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    z ^= z >>> 16;
    return (z >>> 0) / 4294967296;
  };
}

function normal(r: () => number): number {
  const u = Math.max(r(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r());
}

const MOSCOW_OFFSET_MS = 3 * 3_600_000;
const SPAN_DAYS = 730;
const MAX_ORDERS = 240;

export function generate(customers: number, orders: number, asOf: string, seed = 20250630): Generated {
  const r = rng(seed);
  const lastDay = dayToNumber(asOf);
  const firstDay = lastDay - SPAN_DAYS + 1;

  // 1. Orders per customer, exactly `orders` in total.
  const count = new Int32Array(customers);
  const weight = new Float64Array(customers);
  let ones = 0;
  let weights = 0;
  for (let c = 0; c < customers; c++) {
    const u = r();
    if (u < 0.05) weight[c] = 0;
    else if (u < 0.05 + 0.95 * 0.35) {
      weight[c] = -1;
      ones++;
    } else {
      weight[c] = Math.exp(0.9 * normal(r));
      weights += weight[c]!;
    }
  }
  const repeatTotal = orders - ones;
  if (repeatTotal < 0) throw new Error('too few orders for the customers');
  const k = repeatTotal / weights;
  let sum = ones;
  const repeaters: number[] = [];
  for (let c = 0; c < customers; c++) {
    const w = weight[c]!;
    if (w === 0) continue;
    if (w < 0) {
      count[c] = 1;
      continue;
    }
    count[c] = Math.min(MAX_ORDERS, Math.max(2, Math.round(w * k)));
    sum += count[c]!;
    repeaters.push(c);
  }
  while (sum !== orders) {
    const c = repeaters[Math.floor(r() * repeaters.length)]!;
    if (sum < orders && count[c]! < MAX_ORDERS) {
      count[c]!++;
      sum++;
    } else if (sum > orders && count[c]! > 2) {
      count[c]!--;
      sum--;
    }
  }

  // 2. Days, times, amounts, statuses per customer (customer order), then arrival by day.
  const cust = new Int32Array(orders);
  const day = new Int32Array(orders);
  const at = new Float64Array(orders);
  const cents = new Float64Array(orders);
  const status = new Uint8Array(orders);
  const gaps = new Int32Array(MAX_ORDERS);
  let o = 0;
  for (let c = 0; c < customers; c++) {
    const n = count[c]!;
    if (n === 0) continue;
    const cycle = Math.min(200, Math.max(2, 28 * Math.exp(0.55 * normal(r))));
    const ticket = Math.max(300, 2500 * Math.exp(0.6 * normal(r)));
    let span = 0;
    for (let i = 1; i < n; i++) {
      gaps[i] = r() < 0.03 ? 0 : Math.max(1, Math.round(cycle * (0.6 + 0.8 * r())));
      span += gaps[i]!;
    }
    if (span > SPAN_DAYS - 1) {
      // Too long a history for two years: compress the gaps (a more frequent customer).
      const f = (SPAN_DAYS - 1) / span;
      span = 0;
      for (let i = 1; i < n; i++) {
        gaps[i] = Math.floor(gaps[i]! * f);
        span += gaps[i]!;
      }
    }
    let d = firstDay + Math.floor(r() * (SPAN_DAYS - span));
    let minute = 0;
    for (let i = 0; i < n; i++) {
      if (i > 0) d += gaps[i]!;
      // Local 09:00–20:59 Moscow; a same-day second order comes later that day.
      minute =
        i > 0 && gaps[i] === 0 ? Math.min(minute + 1 + Math.floor(r() * 60), 719) : Math.floor(r() * 720);
      cust[o] = c + 1;
      day[o] = d;
      at[o] = d * 86_400_000 + (9 * 60 + minute) * 60_000 - MOSCOW_OFFSET_MS + Math.floor(r() * 60) * 1000;
      cents[o] = Math.max(100, Math.round((ticket * (0.7 + 0.6 * r())) / 10) * 10) * 100;
      const s = r();
      status[o] = s < 0.02 ? 1 : s < 0.03 ? 2 : 0;
      o++;
    }
  }

  // Arrival order: by minute (stable within a minute), a counting sort — as a till records sales.
  const base = firstDay * 1440 - 24 * 60;
  const buckets = (SPAN_DAYS + 2) * 1440;
  const start = new Int32Array(buckets + 1);
  const minuteOf = (i: number) => Math.floor(at[i]! / 60_000) - base;
  for (let i = 0; i < orders; i++) start[minuteOf(i) + 1]!++;
  for (let b = 0; b < buckets; b++) start[b + 1]! += start[b]!;
  const out: Generated = {
    customers,
    orders,
    firstDay,
    lastDay,
    customerId: new Int32Array(orders),
    day: new Int32Array(orders),
    at: new Float64Array(orders),
    cents: new Float64Array(orders),
    status: new Uint8Array(orders),
  };
  for (let i = 0; i < orders; i++) {
    const p = start[minuteOf(i)]!++;
    out.customerId[p] = cust[i]!;
    out.day[p] = day[i]!;
    out.at[p] = at[i]!;
    out.cents[p] = cents[i]!;
    out.status[p] = status[i]!;
  }
  return out;
}

const DAY0 = Date.UTC(1970, 0, 1);

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** Epoch day → 'YYYY-MM-DD' (fast path for millions of rows, memoised by the caller). */
export function dayText(d: number): string {
  const t = new Date(DAY0 + d * 86_400_000);
  return `${t.getUTCFullYear()}-${pad2(t.getUTCMonth() + 1)}-${pad2(t.getUTCDate())}`;
}

/**
 * Orders [from, to) as CSV lines in the `orders` table's column order used by the loaders:
 * workspace_id, id, order_key, external_id, customer_id, ordered_at, ordered_on, amount, status.
 */
export function ordersCsv(g: Generated, workspaceId: number, from: number, to: number): string {
  const days = new Map<number, string>();
  const parts: string[] = [];
  for (let i = from; i < to; i++) {
    const id = i + 1;
    const d = g.day[i]!;
    let dt = days.get(d);
    if (dt === undefined) {
      dt = dayText(d);
      days.set(d, dt);
    }
    // ordered_at in UTC: the date part is the UTC day of `at` (not the local day).
    const ms = g.at[i]!;
    const utcDay = Math.floor(ms / 86_400_000);
    let ut = days.get(utcDay);
    if (ut === undefined) {
      ut = dayText(utcDay);
      days.set(utcDay, ut);
    }
    const sec = Math.floor((ms - utcDay * 86_400_000) / 1000);
    const time = `${pad2(Math.floor(sec / 3600))}:${pad2(Math.floor(sec / 60) % 60)}:${pad2(sec % 60)}`;
    const cents = g.cents[i]!;
    parts.push(
      `${workspaceId},${id},x:o${id},o${id},${g.customerId[i]},${ut} ${time}+00,${dt},${Math.floor(cents / 100)}.${pad2(cents % 100)},${STATUS_NAMES[g.status[i]!]}\n`,
    );
  }
  return parts.join('');
}
