import { describe, expect, it } from 'vitest';
import { averageChurn, monthlyChurn } from '../../../src/core/analytics/churn.ts';
import { cohortRetention, statusShares } from '../../../src/core/analytics/cohorts.ts';
import { ltv, ltvFromFactors } from '../../../src/core/analytics/ltv.ts';
import type { OrderFact } from '../../../src/core/analytics/purchases.ts';
import { buildPurchaseTable } from '../../../src/core/analytics/purchases.ts';
import { addDays } from '../../../src/core/day.ts';
import { defaultSettings } from '../../../src/core/settings.ts';

let seq = 0;
function order(
  customerId: number,
  day: string,
  amountCents = 1000,
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

// C = 10 days, L = 3: within ≤ 10 days, sleeping 11..30, lost > 30.
const settings = { ...defaultSettings(), cycle_days: 10, lost_multiplier: 3, margin: 0.4 };
const orders = [
  order(1, '2023-12-25'), // newbie on 01-01 (7 days), lost on 02-01 (38)
  order(2, '2023-12-28'),
  order(2, '2024-01-20', 3000), // sleeping on 02-01 (12), lost on 03-01 (40)
  order(3, '2023-12-10'), // sleeping on 01-01 (22), lost on 02-01
  order(4, '2023-10-01'), // lost from the start
  order(5, '2023-12-30', 5000, { status: 'cancelled' }),
];

describe('monthly churn', () => {
  it('default base: customers not lost at the start of the month who are lost at its end', () => {
    const series = monthlyChurn(buildPurchaseTable(orders), '2024-01-01', '2024-03-01', settings);
    expect(series).toEqual([
      { month: '2024-01', from: '2024-01-01', to: '2024-02-01', base: 3, churned: 2, churn: 2 / 3 },
      { month: '2024-02', from: '2024-02-01', to: '2024-03-01', base: 1, churned: 1, churn: 1 },
    ]);
    expect(averageChurn(series)).toBeCloseTo(5 / 6, 12);
  });

  it('base "active" (newbie + fan only); a month with an empty base has null churn and is skipped', () => {
    const series = monthlyChurn(buildPurchaseTable(orders), '2024-01-01', '2024-03-01', settings, {
      base: 'active',
    });
    expect(series.map((m) => [m.base, m.churned, m.churn])).toEqual([
      [2, 1, 0.5],
      [0, 0, null],
    ]);
    expect(averageChurn(series)).toBe(0.5);
  });

  it('partial months: the first segment starts at `from`, the last ends at `to`', () => {
    const series = monthlyChurn(buildPurchaseTable(orders), '2024-01-15', '2024-02-10', settings);
    expect(series.map((m) => [m.month, m.from, m.to])).toEqual([
      ['2024-01', '2024-01-15', '2024-02-01'],
      ['2024-02', '2024-02-01', '2024-02-10'],
    ]);
  });

  it('why the default base is not "active": with a 28-day cycle a newbie/fan cannot be lost within a month', () => {
    const salon = { ...settings, cycle_days: 28 };
    const visits = Array.from({ length: 40 }, (_, i) => order(100 + i, addDays('2023-11-01', i * 2)));
    const table = buildPurchaseTable(visits);
    const active = monthlyChurn(table, '2024-01-01', '2024-07-01', salon, { base: 'active' });
    expect(active.every((m) => m.churn === null || m.churn === 0)).toBe(true);
    expect(averageChurn(monthlyChurn(table, '2024-01-01', '2024-07-01', salon))).toBeGreaterThan(0);
  });
});

describe('LTV = AC × N × P × T', () => {
  it('returns every factor next to the result', () => {
    const r = ltv(orders, '2024-01-01', '2024-03-01', settings);
    const months = 60 / 30.4375;
    expect(r.ac).toBe(3000);
    expect(r.months).toBe(months);
    expect(r.n).toBeCloseTo(1 / months, 12);
    expect(r.p).toBe(0.4);
    expect(r.pSource).toBe('setting');
    expect(r.churn).toBeCloseTo(5 / 6, 12);
    expect(r.t).toBeCloseTo(1.2, 12);
    expect(r.ltv).toBeCloseTo(3000 * (1 / months) * 0.4 * 1.2, 6);
  });

  it('P comes from order costs when purchases in the period have one', () => {
    const withCost = [
      ...orders,
      order(6, '2024-01-10', 2000, { costCents: 500 }),
      order(6, '2024-01-12', 2000),
    ];
    const r = ltv(withCost, '2024-01-01', '2024-03-01', settings);
    expect(r.pSource).toBe('costs');
    expect(r.p).toBe(0.75);
  });

  it('zero churn: T and LTV are null, the other factors are still given', () => {
    const loyal = Array.from({ length: 20 }, (_, i) => order(1, addDays('2024-01-01', i * 5)));
    const r = ltv(loyal, '2024-01-01', '2024-04-01', settings);
    expect(r.churn).toBe(0);
    expect(r.t).toBeNull();
    expect(r.ltv).toBeNull();
    expect(r.ac).toBe(1000);
  });

  it('no purchases: every factor that is a ratio is null', () => {
    const r = ltv([], '2024-01-01', '2024-03-01', settings);
    expect([r.ac, r.n, r.t, r.churn, r.ltv]).toEqual([null, null, null, null, null]);
    expect(ltvFromFactors(1, 2, 0.5, null)).toBeNull();
    expect(ltvFromFactors(100, 2, 0.5, 3)).toBe(300);
  });
});

describe('cohorts by month of first purchase', () => {
  const cohortOrders = [
    order(1, '2024-01-05'),
    order(1, '2024-01-05'), // same day as the first: not "again"
    order(1, '2024-01-20'), // k = 0
    order(1, '2024-03-02'), // k = 2
    order(2, '2024-01-31'),
    order(2, '2024-02-01'), // k = 1
    order(2, '2024-02-15', 1000, { status: 'refunded' }),
    order(3, '2024-02-10'),
    order(3, '2024-02-10'),
    order(4, '2024-04-01'), // after A
  ];

  it('share of the cohort buying again k months later, k = 0 counting a later day of the same month', () => {
    expect(cohortRetention(cohortOrders, '2024-03-15')).toEqual([
      { cohort: '2024-01', customers: 2, retained: [1, 1, 1], shares: [0.5, 0.5, 0.5] },
      { cohort: '2024-02', customers: 1, retained: [0, 0], shares: [0, 0] },
    ]);
  });

  it('no purchases: no cohorts', () => {
    expect(cohortRetention([], '2024-03-15')).toEqual([]);
  });

  it('status shares among customers with a purchase (leads excluded)', () => {
    expect(statusShares({ lead: 5, newbie: 1, fan: 2, sleeping: 1, lost: 4 })).toEqual({
      customers: 8,
      active: 3,
      sleeping: 1,
      lost: 4,
      activeShare: 3 / 8,
      sleepingShare: 1 / 8,
      lostShare: 0.5,
    });
    expect(statusShares({ lead: 5, newbie: 0, fan: 0, sleeping: 0, lost: 0 }).activeShare).toBeNull();
  });
});
