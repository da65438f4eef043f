import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BgNbdParams } from '../../../src/core/clv/bgnbd.ts';
import { conditionalExpectedPurchases } from '../../../src/core/clv/bgnbd.ts';
import {
  churnRisk,
  customerLifetimeValue,
  unitsPerMonth,
  valueCustomers,
} from '../../../src/core/clv/clv.ts';
import type { GammaGammaParams } from '../../../src/core/clv/gammagamma.ts';
import { canFitGammaGamma, conditionalExpectedSpend } from '../../../src/core/clv/gammagamma.ts';

const BG: BgNbdParams = { r: 0.2426, alpha: 4.4135, a: 0.7929, b: 2.4258 };
const GG: GammaGammaParams = { p: 6.2488, q: 3.7446, gamma: 15.4477 };

describe('churn risk buckets', () => {
  it('are low from 0.7, medium from 0.3, high below', () => {
    expect(churnRisk(1)).toBe('low');
    expect(churnRisk(0.7)).toBe('low');
    expect(churnRisk(0.6999)).toBe('medium');
    expect(churnRisk(0.3)).toBe('medium');
    expect(churnRisk(0.2999)).toBe('high');
    expect(churnRisk(0)).toBe('high');
  });
});

describe('customer lifetime value', () => {
  const customer = { x: 2, tx: 30.43, T: 38.86 };

  it('without discounting telescopes to margin × spend × E[X(H·m)]', () => {
    const clv = customerLifetimeValue(BG, 50, customer, {
      months: 6,
      monthlyDiscountRate: 0,
      margin: 0.4,
      unit: 'week',
    });
    const e = conditionalExpectedPurchases(BG, 6 * 4.345, customer.x, customer.tx, customer.T);
    expect(clv).toBeCloseTo(0.4 * 50 * e, 10);
  });

  it('uses lifetimes’ month lengths: 30 days or 4.345 weeks', () => {
    expect(unitsPerMonth({ unit: 'day' })).toBe(30);
    expect(unitsPerMonth({ unit: 'week' })).toBe(4.345);
    expect(unitsPerMonth({ unit: 'week', unitsPerMonth: 52 / 12 })).toBeCloseTo(4.3333, 4);
  });

  it('falls with the discount rate, grows with horizon and margin, and is 0 for a zero horizon', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.001, max: 0.2, noNaN: true }), (d) => {
        const base = { months: 12, unit: 'week' as const, margin: 0.5 };
        const v = customerLifetimeValue(BG, 30, customer, { ...base, monthlyDiscountRate: d });
        expect(v).toBeLessThan(customerLifetimeValue(BG, 30, customer, { ...base, monthlyDiscountRate: 0 }));
        expect(v).toBeLessThan(
          customerLifetimeValue(BG, 30, customer, { ...base, months: 24, monthlyDiscountRate: d }),
        );
        expect(v).toBeLessThan(
          customerLifetimeValue(BG, 30, customer, { ...base, margin: 0.6, monthlyDiscountRate: d }),
        );
      }),
    );
    expect(customerLifetimeValue(BG, 30, customer, { months: 0 })).toBe(0);
  });

  it('values every customer with P(alive), risk, spend and CLV', () => {
    const [fresh, lapsed] = valueCustomers(
      BG,
      GG,
      [
        { x: 5, tx: 38, T: 38.86, zbar: 40 },
        { x: 5, tx: 5, T: 38.86, zbar: 40 },
      ],
      { unit: 'week', months: 12, monthlyDiscountRate: 0.01, margin: 0.3 },
    );
    expect(fresh!.churnRisk).toBe('low');
    expect(lapsed!.churnRisk).toBe('high');
    expect(fresh!.expectedSpend).toBeCloseTo(conditionalExpectedSpend(GG, 5, 40), 12);
    expect(fresh!.clv).toBeGreaterThan(lapsed!.clv);
    expect(fresh!.expectedPurchases).toBeGreaterThan(lapsed!.expectedPurchases);
  });
});

describe('Gamma-Gamma small-data rule', () => {
  it('falls back with a reason when fewer than 20 repeat customers have spend', () => {
    const check = canFitGammaGamma([
      { x: 2, zbar: 10 },
      { x: 0, zbar: 0 },
    ]);
    expect(check.ok).toBe(false);
    if (!check.ok) expect(check.reason).toMatch(/too few repeat customers with spend: 1/);
  });
});
