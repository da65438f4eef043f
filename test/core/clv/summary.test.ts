import { describe, expect, it } from 'vitest';
import type { Purchase } from '../../../src/core/clv/summary.ts';
import { holdoutPurchaseDays, summarize } from '../../../src/core/clv/summary.ts';

const p = (customerId: string, day: string, amountCents: number): Purchase => ({
  customerId,
  day,
  amountCents,
});

describe('customer summaries', () => {
  const purchases = [
    p('ann', '2024-01-01', 1000),
    p('ann', '2024-01-01', 500), // same day: merged into one purchase-day worth 15.00
    p('ann', '2024-01-15', 2000),
    p('ann', '2024-01-29', 3001),
    p('ann', '2024-03-01', 9999), // after calibration: ignored
    p('bob', '2024-01-20', 700),
    p('cat', '2024-02-15', 100), // first purchase after calibration: not in the cohort
  ];

  it('merges same-day purchases and counts repeat purchase-days, in days', () => {
    const out = summarize(purchases, '2024-01-31', 'day');
    expect(out.map((s) => s.customerId)).toEqual(['ann', 'bob']);
    const [ann, bob] = out;
    expect(ann).toMatchObject({
      x: 2,
      tx: 28,
      T: 30,
      firstValue: 15,
      firstDay: '2024-01-01',
      lastDay: '2024-01-29',
    });
    expect(ann!.zbar).toBeCloseTo(25.005, 10); // (20.00 + 30.01) / 2: repeat days only
    expect(bob).toMatchObject({ x: 0, tx: 0, T: 11, zbar: 0, firstValue: 7 });
  });

  it('measures weeks as days / 7', () => {
    const [ann] = summarize(purchases, '2024-01-31', 'week');
    expect(ann!.tx).toBeCloseTo(4, 12);
    expect(ann!.T).toBeCloseTo(30 / 7, 12);
  });

  it('counts holdout repeat purchase-days for the calibration cohort only', () => {
    const h = holdoutPurchaseDays(
      [...purchases, p('bob', '2024-02-02', 100), p('bob', '2024-02-02', 100), p('bob', '2024-02-10', 1)],
      '2024-01-31',
      '2024-02-29',
    );
    expect(Object.fromEntries(h)).toEqual({ ann: 0, bob: 2 });
  });
});
