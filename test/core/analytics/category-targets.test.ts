import { describe, expect, it } from 'vitest';
import { categoryCycles, customerCategoryNext } from '../../../src/core/analytics/category-cycle.ts';
import type { Kpis } from '../../../src/core/analytics/kpis.ts';
import { periodKpis } from '../../../src/core/analytics/kpis.ts';
import { evaluateTarget, relativeTarget } from '../../../src/core/analytics/targets.ts';

describe('category cycle', () => {
  const lines = [
    { customerId: 1, day: '2024-01-01', category: 'nails' },
    { customerId: 1, day: '2024-01-22', category: 'nails' },
    { customerId: 1, day: '2024-01-22', category: 'nails' }, // same day: one purchase day
    { customerId: 1, day: '2024-02-12', category: 'nails' },
    { customerId: 2, day: '2024-01-01', category: 'nails' },
    { customerId: 2, day: '2024-01-29', category: 'nails' },
    { customerId: 1, day: '2024-01-22', category: 'massage' },
    { customerId: 2, day: '2024-03-01', category: 'nails', status: 'cancelled' as const },
  ];

  it('is the median of consecutive purchase-day intervals over all customers (21, 21, 28 → 21)', () => {
    expect([...categoryCycles(lines).values()]).toEqual([
      { category: 'massage', cycle: null, intervals: 0, customers: 1 },
      { category: 'nails', cycle: 21, intervals: 3, customers: 2 },
    ]);
  });

  it('per customer: own median with ≥ 2 intervals, else the category cycle; none without', () => {
    expect(customerCategoryNext(lines)).toEqual([
      {
        customerId: 1,
        category: 'massage',
        purchaseDays: 1,
        lastDay: '2024-01-22',
        ownCycle: null,
        cycle: null,
        source: 'none',
        nextExpectedDay: null,
      },
      {
        customerId: 1,
        category: 'nails',
        purchaseDays: 3,
        lastDay: '2024-02-12',
        ownCycle: 21,
        cycle: 21,
        source: 'own',
        nextExpectedDay: '2024-03-04',
      },
      {
        customerId: 2,
        category: 'nails',
        purchaseDays: 2,
        lastDay: '2024-01-29',
        ownCycle: null,
        cycle: 21,
        source: 'category',
        nextExpectedDay: '2024-02-19',
      },
    ]);
  });

  it('as of a day, later lines are ignored', () => {
    expect(categoryCycles(lines, '2024-01-21').get('nails')?.cycle).toBeNull();
  });
});

describe('targets', () => {
  const k = (over: Partial<Kpis>): Kpis => ({ ...periodKpis([], '2024-01-01', '2024-01-02'), ...over });

  it.each([
    [{ repeat_orders: 120 }, '2024-06-01', { reached: true, gap: -20, daysLeft: 213, state: 'reached' }],
    [{ repeat_orders: 80 }, '2024-06-01', { reached: false, gap: 20, daysLeft: 213, state: 'open' }],
    [{ repeat_orders: 80 }, '2024-12-31', { reached: false, gap: 20, daysLeft: 0, state: 'open' }],
    [{ repeat_orders: 80 }, '2025-01-01', { reached: false, gap: 20, daysLeft: -1, state: 'missed' }],
  ] as const)('actual %j as of %s → %j', (actual, asOf, expected) => {
    expect(
      evaluateTarget({ metric: 'repeat_orders', value: 100, deadline: '2024-12-31' }, k(actual), asOf),
    ).toMatchObject(expected);
  });

  it('a ratio that does not exist is not reached and has no gap', () => {
    expect(
      evaluateTarget(
        { metric: 'repeat_share_orders', value: 0.3, deadline: '2024-12-31' },
        k({}),
        '2024-06-01',
      ),
    ).toMatchObject({ actual: null, reached: false, gap: null, progress: null });
  });

  it('"+10 % repeat purchases in a year" from a baseline', () => {
    const t = relativeTarget('repeat_orders', k({ repeat_orders: 200 }), 0.1, '2025-01-01')!;
    expect(t.metric).toBe('repeat_orders');
    expect(t.value).toBeCloseTo(220, 9);
    expect(t.deadline).toBe('2025-01-01');
    expect(relativeTarget('aov', k({}), 0.1, '2025-01-01')).toBeNull();
  });
});
