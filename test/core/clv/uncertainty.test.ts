import { describe, expect, it } from 'vitest';
import { canFit, conditionalExpectedPurchases, fitBgNbd } from '../../../src/core/clv/bgnbd.ts';
import { dropoutLimit } from '../../../src/core/clv/dropout-limit.ts';
import { mulberry32 } from '../../../src/core/clv/random.ts';
import { simulateBgNbd } from '../../../src/core/clv/simulate.ts';
import { expectedTotalBand } from '../../../src/core/clv/uncertainty.ts';

const TRUTH = { r: 0.5, alpha: 20, a: 0.8, b: 2.5 };

function base(n: number, seed: number) {
  const rng = mulberry32(seed);
  const ages = Array.from({ length: n }, () => 30 + Math.floor(rng() * 700));
  return simulateBgNbd(TRUTH, ages, rng).map((c) => ({ x: c.x, tx: Math.floor(c.tx), T: c.T }));
}

describe('expected-total band (delta method)', () => {
  const small = base(400, 1);
  const large = base(8000, 1);
  const fitSmall = fitBgNbd(small);
  const fitLarge = fitBgNbd(large);

  it('brackets the estimate, log-symmetric, at the asked level', () => {
    const b = expectedTotalBand(fitSmall.params, fitSmall.covariance, small, 90)!;
    expect(b.level).toBe(0.9);
    expect(b.low).toBeLessThan(b.estimate);
    expect(b.high).toBeGreaterThan(b.estimate);
    expect(Math.log(b.high / b.estimate)).toBeCloseTo(Math.log(b.estimate / b.low), 10);
    const b95 = expectedTotalBand(fitSmall.params, fitSmall.covariance, small, 90, null, 0.95)!;
    expect(b95.high).toBeGreaterThan(b.high);
  });

  it('is narrower (relative) on a 20× larger base', () => {
    const s = expectedTotalBand(fitSmall.params, fitSmall.covariance, small, 90)!;
    const l = expectedTotalBand(fitLarge.params, fitLarge.covariance, large, 90)!;
    expect(l.high / l.low).toBeLessThan(s.high / s.low);
  });

  it('scales with the weights, and is absent without a covariance', () => {
    const ones = expectedTotalBand(fitSmall.params, fitSmall.covariance, small, 90)!;
    const twos = expectedTotalBand(
      fitSmall.params,
      fitSmall.covariance,
      small,
      90,
      small.map(() => 2),
    )!;
    expect(twos.estimate).toBeCloseTo(2 * ones.estimate, 8);
    expect(twos.low).toBeCloseTo(2 * ones.low, 6);
    expect(expectedTotalBand(fitSmall.params, null, small, 90)).toBeNull();
    expect(() => expectedTotalBand(fitSmall.params, fitSmall.covariance, small, 90, null, 0.5)).toThrow(
      RangeError,
    );
  });

  it('covers the true expected total in most simulated bases (parameter uncertainty)', () => {
    let covered = 0;
    const trials = 20;
    for (let s = 0; s < trials; s++) {
      const d = base(600, 100 + s);
      const f = fitBgNbd(d);
      const band = expectedTotalBand(f.params, f.covariance, d, 90)!;
      const trueTotal = d.reduce(
        (sum, c) => sum + conditionalExpectedPurchases(TRUTH, 90, c.x, c.tx, c.T),
        0,
      );
      if (trueTotal >= band.low && trueTotal <= band.high) covered++;
    }
    // Nominal 90 %; allow sampling slack over 20 bases.
    expect(covered).toBeGreaterThanOrEqual(14);
  });
});

describe('no dropout heterogeneity', () => {
  it('bounds a and b at a + b = 1000 when the unbounded fit runs off, losing no likelihood', () => {
    const rng = mulberry32(5);
    const ages = Array.from({ length: 3000 }, () => 60 + Math.floor(rng() * 600));
    // p is almost the same for everyone: Beta(400, 9600), mean 0.04.
    const data = simulateBgNbd({ r: 0.6, alpha: 15, a: 400, b: 9600 }, ages, rng).map((c) => ({
      x: c.x,
      tx: c.tx,
      T: c.T,
    }));
    const check = canFit(data);
    const fit = check.ok ? check.fit : check.fit!;
    const limit = dropoutLimit(fit, data);
    // This sample drives the unbounded optimum off to a, b ≫ 1000 (canFit rejects it).
    expect(check.ok).toBe(false);
    expect(fit.params.a + fit.params.b).toBeGreaterThan(1000);
    expect(limit).not.toBeNull();
    expect(limit!.params.a + limit!.params.b).toBeCloseTo(1000, 8);
    expect(limit!.meanDropout).toBeCloseTo(0.04, 1);
    expect(limit!.loss).toBeLessThan(0.5);
    expect(limit!.standardErrors!.r).toBeGreaterThan(0);
    expect(limit!.covariance![2]).toEqual([0, 0, 0, 0]);
  });

  it('leaves an ordinary fit alone', () => {
    const d = base(500, 3);
    expect(dropoutLimit(fitBgNbd(d), d)).toBeNull();
  });
});
