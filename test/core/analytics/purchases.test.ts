import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { OrderFact, PurchaseTable } from '../../../src/core/analytics/purchases.ts';
import {
  buildPurchaseTable,
  compareOrders,
  customerIndex,
  isPurchase,
  primaryOrderIds,
  purchaseHistories,
  purchaseTableFromColumns,
} from '../../../src/core/analytics/purchases.ts';
import { dayToNumber } from '../../../src/core/day.ts';

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

describe('purchases', () => {
  it.each([
    ['completed with an amount', 'completed', 100, true],
    ['cancelled', 'cancelled', 100, false],
    ['refunded', 'refunded', 100, false],
    ['amount 0', 'completed', 0, false],
    ['negative amount', 'completed', -100, false],
  ] as const)('%s → purchase: %s', (_name, status, amount, expected) => {
    expect(isPurchase({ status, amountCents: amount })).toBe(expected);
  });

  it('cancelled, refunded and zero orders never enter the table', () => {
    const t = buildPurchaseTable([
      order(1, '2024-01-01', 100, { status: 'cancelled' }),
      order(1, '2024-01-02', 100, { status: 'refunded' }),
      order(1, '2024-01-03', 0),
      order(2, '2024-01-04', 500),
    ]);
    expect(t.rows).toBe(1);
    expect(Array.from(t.customerId)).toEqual([2]);
  });

  it('orders are ordered by day, then time, then arrival', () => {
    const a = { day: '2024-01-02', at: 5, orderId: 1 };
    expect(compareOrders(a, { day: '2024-01-01', at: 9, orderId: 0 })).toBeGreaterThan(0);
    expect(compareOrders(a, { day: '2024-01-02', at: 6, orderId: 0 })).toBeLessThan(0);
    expect(compareOrders(a, { day: '2024-01-02', at: 5, orderId: 2 })).toBeLessThan(0);
  });

  it('the primary order is the earliest purchase whatever the arrival order', () => {
    const late = order(7, '2024-03-01', 100, { orderId: 1 });
    const early = order(7, '2024-01-01', 100, { orderId: 2, at: Date.parse('2024-01-01T18:00:00Z') });
    const sameDayEarlier = order(7, '2024-01-01', 100, {
      orderId: 3,
      at: Date.parse('2024-01-01T09:00:00Z'),
    });
    const cancelledFirst = order(7, '2023-12-01', 100, { orderId: 4, status: 'cancelled' });
    expect(primaryOrderIds([late, early, sameDayEarlier, cancelledFirst]).get(7)).toBe(3);
  });

  it('same instant: the earlier arrival is first', () => {
    const at = Date.parse('2024-01-01T10:00:00Z');
    const b = order(1, '2024-01-01', 100, { orderId: 20, at });
    const a = order(1, '2024-01-01', 100, { orderId: 10, at });
    expect(primaryOrderIds([b, a]).get(1)).toBe(10);
  });

  it('purchase days are distinct days and intervals are between them', () => {
    const h = purchaseHistories([
      order(1, '2024-01-10', 100),
      order(1, '2024-01-01', 100),
      order(1, '2024-01-01', 300),
      order(1, '2024-01-31', 100),
      order(1, '2024-02-05', 100, { status: 'cancelled' }),
    ]).get(1)!;
    expect(h.purchases).toBe(4);
    expect(h.revenueCents).toBe(600);
    expect(h.purchaseDays).toEqual(['2024-01-01', '2024-01-10', '2024-01-31']);
    expect(h.intervals).toEqual([9, 21]);
    expect(h.firstDay).toBe('2024-01-01');
    expect(h.lastDay).toBe('2024-01-31');
  });

  it('as of a day, later purchases are not history', () => {
    const h = purchaseHistories([order(1, '2024-01-01', 100), order(1, '2024-02-01', 100)], '2024-01-15').get(
      1,
    )!;
    expect(h.purchases).toBe(1);
    expect(h.intervals).toEqual([]);
  });

  it('sparse customer ids (no dense range) give the same table as dense ones', () => {
    const rows = [
      [3e12, '2024-01-02', 5],
      [1, '2024-01-01', 7],
      [3e12, '2024-01-01', 9],
    ] as const;
    const t = purchaseTableFromColumns({
      length: 3,
      customerId: rows.map((r) => r[0]),
      day: rows.map((r) => dayToNumber(r[1])),
      at: [0, 0, 0],
      orderId: [1, 2, 3],
      amountCents: rows.map((r) => r[2]),
    });
    expect(Array.from(t.customerId)).toEqual([1, 3e12]);
    expect(Array.from(t.offset)).toEqual([0, 1, 3]);
    expect(Array.from(t.cents)).toEqual([7, 9, 5]);
    expect(customerIndex(t, 3e12)).toBe(1);
    expect(customerIndex(t, 2)).toBe(-1);
  });

  it('customers without purchases can be included as leads', () => {
    const t = buildPurchaseTable([order(5, '2024-01-01', 100)], { customerIds: [9, 5] });
    expect(Array.from(t.customerId)).toEqual([5, 9]);
    expect(Array.from(t.offset)).toEqual([0, 1, 1]);
  });
});

describe('purchaseTableFromColumns properties', () => {
  it('equals a plain sort by (customer, day, at, orderId) of the purchases, for dense and sparse ids', () => {
    const row = fc.record({
      customerId: fc.oneof(
        fc.integer({ min: 1, max: 3000 }),
        fc.integer({ min: 1, max: 3 }).map((x) => x * 1e13),
      ),
      day: fc.integer({ min: 19_000, max: 19_030 }),
      at: fc.integer({ min: 0, max: 5 }),
      amountCents: fc.integer({ min: -5, max: 1000 }),
      status: fc.integer({ min: 0, max: 2 }),
      cost: fc.option(fc.nat(500), { nil: null }),
    });
    fc.assert(
      fc.property(
        fc.array(row, { maxLength: 400 }),
        fc.array(fc.integer({ min: 1, max: 4000 }), { maxLength: 20 }),
        (rows, leads) => {
          const indexed = rows.map((r, i) => ({ ...r, orderId: i }));
          const grouped = [...indexed].sort((a, b) => a.customerId - b.customerId);
          const [t, tGrouped] = [indexed, grouped].map((input) =>
            purchaseTableFromColumns(
              {
                length: input.length,
                customerId: input.map((r) => r.customerId),
                day: input.map((r) => r.day),
                at: input.map((r) => r.at),
                orderId: input.map((r) => r.orderId),
                amountCents: input.map((r) => r.amountCents),
                status: input.map((r) => r.status),
                costCents: input.map((r) => r.cost ?? Number.NaN),
              },
              { customerIds: leads },
            ),
          ) as [PurchaseTable, PurchaseTable];
          // Input already grouped by customer takes the sequential path: same table.
          expect(tGrouped).toEqual(t);
          const expected = rows
            .map((r, i) => ({ ...r, orderId: i }))
            .filter((r) => r.status === 0 && r.amountCents > 0)
            .sort(
              (a, b) => a.customerId - b.customerId || a.day - b.day || a.at - b.at || a.orderId - b.orderId,
            );
          const got = Array.from({ length: t.rows }, (_, r) => ({
            customerId: t.customerId[t.customer[r]!],
            day: t.day[r],
            at: t.at[r],
            orderId: t.orderId[r],
            amountCents: t.cents[r],
            cost: Number.isNaN(t.cost[r]!) ? null : t.cost[r],
          }));
          expect(got).toEqual(
            expected.map(({ customerId, day, at, orderId, amountCents, cost }) => ({
              customerId,
              day,
              at,
              orderId,
              amountCents,
              cost,
            })),
          );
          const allIds = [...new Set([...expected.map((r) => r.customerId), ...leads])].sort((a, b) => a - b);
          expect(Array.from(t.customerId)).toEqual(allIds);
          for (let c = 0; c < t.customers; c++) {
            for (let r = t.offset[c]!; r < t.offset[c + 1]!; r++) expect(t.customer[r]).toBe(c);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
