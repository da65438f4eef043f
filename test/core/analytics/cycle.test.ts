import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addIntervals,
  customerCycle,
  expectedNextDay,
  intervalHistogram,
  intervalsOf,
  median,
  medianFromHistogram,
  removeIntervals,
  workspaceCycle,
  workspaceCycleOf,
} from '../../../src/core/analytics/cycle.ts';
import { statusFromPurchases } from '../../../src/core/analytics/lifecycle.ts';
import type { OrderFact } from '../../../src/core/analytics/purchases.ts';
import { buildPurchaseTable, purchaseHistories } from '../../../src/core/analytics/purchases.ts';
import { addDays, daysBetween } from '../../../src/core/day.ts';

let seq = 0;
function order(
  customerId: number,
  day: string,
  amountCents = 100,
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

describe('median', () => {
  it.each([
    [[], null],
    [[7], 7],
    [[9, 1, 5], 5],
    [[10, 1, 20, 4], 7],
    [[3, 3, 3, 4], 3],
  ])('median(%j) = %s (even count: mean of the two middle)', (values, expected) => {
    expect(median(values)).toBe(expected);
  });

  it('the histogram median equals the list median', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 400 }), { maxLength: 80 }), (values) => {
        expect(medianFromHistogram(addIntervals(new Map(), values))).toBe(median(values));
      }),
    );
  });

  it('the histogram can be maintained incrementally: remove old intervals, add new ones', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 200 })), {
          maxLength: 60,
        }),
        (arrivals) => {
          const days = new Map<number, number[]>();
          const h = new Map<number, number>();
          for (const [customer, day] of arrivals) {
            const before = [...(days.get(customer) ?? [])].sort((a, b) => a - b);
            const after = [...before, day].sort((a, b) => a - b);
            days.set(customer, after);
            removeIntervals(h, intervalsOf(before));
            addIntervals(h, intervalsOf(after));
          }
          const orders = arrivals.map(([customer, day]) => order(customer, addDays('2024-01-01', day)));
          expect(medianFromHistogram(h)).toBe(
            medianFromHistogram(intervalHistogram(buildPurchaseTable(orders))),
          );
        },
      ),
    );
  });

  it('removing an interval that is not there is an error', () => {
    expect(() => removeIntervals(new Map(), [3])).toThrow(RangeError);
  });
});

describe('workspace cycle C_w', () => {
  const orders = [
    order(1, '2024-01-01'),
    order(1, '2024-01-11'), // 10
    order(1, '2024-01-11'), // same day: no interval
    order(1, '2024-01-31'), // 20
    order(2, '2024-01-01'),
    order(2, '2024-01-05'), // 4
    order(2, '2024-01-07', 100, { status: 'cancelled' }),
    order(3, '2024-01-01'),
  ];

  it('is the median of all intervals of all customers (4, 10, 20 → 10)', () => {
    const t = buildPurchaseTable(orders);
    expect(Object.fromEntries(intervalHistogram(t))).toEqual({ 4: 1, 10: 1, 20: 1 });
    expect(workspaceCycleOf(t, '2024-12-31', { cycle_days: null })).toEqual({
      days: 10,
      source: 'learned',
      intervals: 3,
    });
  });

  it('counts only intervals up to the as-of day', () => {
    const t = buildPurchaseTable(orders);
    expect(workspaceCycleOf(t, '2024-01-11', { cycle_days: null }).days).toBe(7); // 4 and 10
  });

  it('the setting wins', () => {
    expect(workspaceCycleOf(buildPurchaseTable(orders), '2024-12-31', { cycle_days: 28 })).toMatchObject({
      days: 28,
      source: 'setting',
    });
  });

  it('with no setting and no interval at all it is null', () => {
    const t = buildPurchaseTable([order(1, '2024-01-01'), order(2, '2024-01-03'), order(2, '2024-01-03')]);
    expect(workspaceCycleOf(t, '2024-12-31', { cycle_days: null })).toEqual({
      days: null,
      source: 'none',
      intervals: 0,
    });
    expect(workspaceCycle({ cycle_days: null }, new Map())).toEqual({
      days: null,
      source: 'none',
      intervals: 0,
    });
  });

  it('a null cycle never passes: a one-day customer stays a newbie years later', () => {
    expect(statusFromPurchases(1, 5000, null, 3)).toBe('newbie');
    expect(expectedNextDay('2024-01-01', null)).toBeNull();
  });
});

describe('customer cycle C_c', () => {
  it.each([
    [[], 30, { days: 30, source: 'workspace', own: null }],
    [[12], 30, { days: 30, source: 'workspace', own: null }],
    [[12, 20], 30, { days: 16, source: 'own', own: 16 }],
    [[12, 20, 7], 30, { days: 12, source: 'own', own: 12 }],
    [[5], null, { days: null, source: 'none', own: null }],
  ] as const)('own intervals %j, C_w %s → %j', (own, cw, expected) => {
    expect(customerCycle(own, cw)).toEqual(expected);
  });

  it('own intervals count distinct purchase days only', () => {
    const h = purchaseHistories([
      order(1, '2024-01-01'),
      order(1, '2024-01-01'),
      order(1, '2024-01-08'),
      order(1, '2024-01-22'),
    ]).get(1)!;
    expect(customerCycle(h.intervals, 30).days).toBe(10.5);
  });
});

describe('expected next purchase', () => {
  it.each([
    ['2024-01-01', 7, '2024-01-08'],
    ['2024-01-01', 10.5, '2024-01-11'],
    ['2024-01-31', 30, '2024-03-01'],
    ['2024-01-01', 0.5, '2024-01-01'],
  ])('last %s + C_c %s → %s (rounded down)', (last, cycle, expected) => {
    expect(expectedNextDay(last, cycle)).toBe(expected);
  });

  it('on the expected day the customer is still within the cycle, the day after they are not', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.01, max: 400, noNaN: true }),
        fc.integer({ min: 1, max: 5 }),
        (cycle, days) => {
          const next = expectedNextDay('2024-01-01', cycle)!;
          const since = daysBetween('2024-01-01', next);
          expect(statusFromPurchases(days, since, cycle, 3)).toBe(days === 1 ? 'newbie' : 'fan');
          expect(['sleeping', 'lost']).toContain(statusFromPurchases(days, since + 1, cycle, 3));
          if (cycle >= 1) expect(statusFromPurchases(days, since + 1, cycle, 3)).toBe('sleeping');
        },
      ),
    );
  });
});
