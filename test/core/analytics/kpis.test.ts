import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Kpis } from '../../../src/core/analytics/kpis.ts';
import {
  KPI_KEYS,
  kpisFromCounts,
  kpisFromFlaggedPurchases,
  kpiTrend,
  periodKpis,
} from '../../../src/core/analytics/kpis.ts';
import type { OrderFact } from '../../../src/core/analytics/purchases.ts';
import { primaryOrderIds } from '../../../src/core/analytics/purchases.ts';
import { addDays } from '../../../src/core/day.ts';
import { ORDER_STATUSES } from '../../../src/core/types.ts';

let seq = 0;
function order(
  customerId: number,
  day: string,
  amountCents: number,
  extra: Partial<OrderFact> = {},
): OrderFact {
  seq++;
  return {
    orderId: seq,
    customerId,
    day,
    at: Date.parse(`${day}T12:00:00Z`),
    amountCents,
    status: 'completed',
    ...extra,
  };
}

const EMPTY: Kpis = {
  orders: 0,
  revenue: 0,
  primary_orders: 0,
  repeat_orders: 0,
  repeat_share_orders: null,
  primary_revenue: 0,
  repeat_revenue: 0,
  repeat_share_revenue: null,
  unique_customers: 0,
  new_customers: 0,
  repeat_customers: 0,
  repeat_purchase_rate: null,
  purchase_frequency: null,
  aov: null,
  customer_value: null,
};

describe('periodKpis', () => {
  it('no purchases: counts 0 and every ratio null (never NaN or 0)', () => {
    expect(periodKpis([], '2024-01-01', '2024-02-01')).toEqual(EMPTY);
    const onlyCancelled = [order(1, '2024-01-05', 100, { status: 'cancelled' }), order(1, '2024-01-06', 0)];
    expect(periodKpis(onlyCancelled, '2024-01-01', '2024-02-01')).toEqual(EMPTY);
  });

  it('every key of the Definitions table, on a worked example', () => {
    const orders = [
      order(1, '2023-12-20', 1000), // customer 1's first purchase is before the period
      order(1, '2024-01-05', 2000),
      order(1, '2024-01-20', 3000),
      order(2, '2024-01-10', 4000), // new
      order(3, '2024-01-15', 5000), // new
      order(3, '2024-01-15', 1000), // same day: repeat
      order(3, '2024-01-16', 7000, { status: 'refunded' }),
      order(4, '2024-02-01', 9000), // `to` is exclusive
    ];
    const k = periodKpis(orders, '2024-01-01', '2024-02-01');
    expect(k).toEqual({
      orders: 5,
      revenue: 15000,
      primary_orders: 2,
      repeat_orders: 3,
      repeat_share_orders: 3 / 5,
      primary_revenue: 9000,
      repeat_revenue: 6000,
      repeat_share_revenue: 6000 / 15000,
      unique_customers: 3,
      new_customers: 2,
      repeat_customers: 2,
      repeat_purchase_rate: 2 / 3,
      purchase_frequency: 5 / 3,
      aov: 3000,
      customer_value: 5000,
    });
    expect(Object.keys(k)).toEqual([...KPI_KEYS]);
  });

  it('primary is determined from all history when the period starts later', () => {
    const orders = [order(1, '2023-01-01', 100), order(1, '2024-01-10', 200)];
    const k = periodKpis(orders, '2024-01-01', '2024-02-01');
    expect(k.primary_orders).toBe(0);
    expect(k.new_customers).toBe(0);
    expect(k.repeat_orders).toBe(1);
  });

  it('same-day purchases: two purchases, only one primary', () => {
    const orders = [order(1, '2024-01-10', 100), order(1, '2024-01-10', 200)];
    const k = periodKpis(orders, '2024-01-01', '2024-02-01');
    expect(k.orders).toBe(2);
    expect(k.primary_orders).toBe(1);
    expect(k.primary_revenue).toBe(100);
    expect(k.repeat_customers).toBe(1);
  });

  it('a cancelled earliest order does not make the next purchase repeat', () => {
    const orders = [order(1, '2024-01-01', 100, { status: 'cancelled' }), order(1, '2024-01-02', 100)];
    expect(periodKpis(orders, '2024-01-01', '2024-02-01').primary_orders).toBe(1);
  });

  it('an empty period [d, d) has no orders; a reversed period is an error', () => {
    expect(periodKpis([order(1, '2024-01-01', 1)], '2024-01-01', '2024-01-01')).toEqual(EMPTY);
    expect(() => periodKpis([], '2024-02-01', '2024-01-01')).toThrow(RangeError);
  });

  it('the flagged form (what SQL feeds) equals the classic form', () => {
    const orders = [order(1, '2023-12-20', 1000), order(1, '2024-01-05', 2000), order(2, '2024-01-10', 4000)];
    const primary = primaryOrderIds(orders);
    const inPeriod = orders.filter((o) => o.day >= '2024-01-01' && o.day < '2024-02-01');
    const flagged = inPeriod.map((o) => ({
      customerId: o.customerId,
      amountCents: o.amountCents,
      primary: primary.get(o.customerId) === o.orderId,
    }));
    expect(kpisFromFlaggedPurchases(flagged)).toEqual(periodKpis(orders, '2024-01-01', '2024-02-01'));
  });

  it('kpisFromCounts derives every ratio with null for zero denominators', () => {
    const k = kpisFromCounts({
      orders: 0,
      revenue: 0,
      primary_orders: 0,
      primary_revenue: 0,
      unique_customers: 0,
      new_customers: 0,
      repeat_customers: 0,
    });
    expect(k).toEqual(EMPTY);
  });
});

const orderArb = fc.record({
  orderId: fc.nat(10_000),
  customerId: fc.integer({ min: 1, max: 8 }),
  at: fc.nat(86_399_999),
  dayOffset: fc.integer({ min: 0, max: 120 }),
  amountCents: fc.integer({ min: -100, max: 50_000 }),
  status: fc.constantFrom(...ORDER_STATUSES),
});
const ordersArb = fc.array(orderArb, { maxLength: 60 }).map((rows) =>
  rows.map(
    (r, i): OrderFact => ({
      orderId: i,
      customerId: r.customerId,
      day: addDays('2024-01-01', r.dayOffset),
      at: Date.parse(`${addDays('2024-01-01', r.dayOffset)}T00:00:00Z`) + r.at,
      amountCents: r.amountCents,
      status: r.status,
    }),
  ),
);

describe('periodKpis properties', () => {
  it('[a,b) + [b,c) = [a,c) for orders, revenue and their primary/repeat split', () => {
    fc.assert(
      fc.property(
        ordersArb,
        fc.integer({ min: 0, max: 60 }),
        fc.integer({ min: 0, max: 60 }),
        (orders, x, y) => {
          const a = '2024-01-01';
          const b = addDays(a, Math.min(x, y) + 5);
          const c = addDays(a, Math.max(x, y) + 70);
          const left = periodKpis(orders, a, b);
          const right = periodKpis(orders, b, c);
          const all = periodKpis(orders, a, c);
          for (const key of [
            'orders',
            'revenue',
            'primary_orders',
            'repeat_orders',
            'primary_revenue',
            'new_customers',
          ] as const) {
            expect(left[key] + right[key]).toBe(all[key]);
          }
          expect(all.primary_orders).toBe(all.new_customers);
        },
      ),
    );
  });

  it('the monthly trend adds up to the period and each month equals periodKpis of its bucket', () => {
    fc.assert(
      fc.property(ordersArb, (orders) => {
        const trend = kpiTrend(orders, '2024-01-15', '2024-04-10', 'month');
        expect(trend.map((p) => p.month)).toEqual(['2024-01', '2024-02', '2024-03', '2024-04']);
        expect(trend[0]!.from).toBe('2024-01-15');
        expect(trend[3]!.to).toBe('2024-04-10');
        for (const p of trend) expect(p.kpis).toEqual(periodKpis(orders, p.from, p.to));
        const total = periodKpis(orders, '2024-01-15', '2024-04-10');
        expect(trend.reduce((s, p) => s + p.kpis.revenue, 0)).toBe(total.revenue);
      }),
    );
  });
});
