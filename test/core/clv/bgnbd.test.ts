import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BgNbdParams, FrequencyRecency } from '../../../src/core/clv/bgnbd.ts';
import {
  bgnbdGradient,
  bgnbdLogLikelihood,
  canFit,
  conditionalExpectedPurchases,
  expectedPurchasesNew,
  fitBgNbd,
  predictCustomers,
  probabilityAlive,
  probabilityOfPurchases,
} from '../../../src/core/clv/bgnbd.ts';
import { mulberry32 } from '../../../src/core/clv/random.ts';
import { simulateBgNbd } from '../../../src/core/clv/simulate.ts';
import { hyp2f1 } from '../../../src/core/clv/special.ts';

const PAPER: BgNbdParams = { r: 0.2426, alpha: 4.4135, a: 0.7929, b: 2.4258 };

const arbParams = fc.record({
  r: fc.double({ min: 0.05, max: 5, noNaN: true }),
  alpha: fc.double({ min: 0.5, max: 50, noNaN: true }),
  a: fc.double({ min: 0.1, max: 5, noNaN: true }),
  b: fc.double({ min: 0.2, max: 10, noNaN: true }),
});

/** Eq. 10 written directly with the generic ₂F₁ (independent of the transformed series). */
function eq10(p: BgNbdParams, t: number, x: number, tx: number, T: number): number {
  const z = t / (p.alpha + T + t);
  const num =
    ((p.a + p.b + x - 1) / (p.a - 1)) *
    (1 - ((p.alpha + T) / (p.alpha + T + t)) ** (p.r + x) * hyp2f1(p.r + x, p.b + x, p.a + p.b + x - 1, z));
  const den = 1 + (x > 0 ? (p.a / (p.b + x - 1)) * ((p.alpha + T) / (p.alpha + tx)) ** (p.r + x) : 0);
  return num / den;
}

describe('BG/NBD probabilities and expectations', () => {
  it('P(alive) = 1 when the customer has no repeat purchase', () => {
    fc.assert(
      fc.property(arbParams, fc.double({ min: 0, max: 500, noNaN: true }), (p, T) => {
        expect(probabilityAlive(p, 0, 0, T)).toBe(1);
      }),
    );
  });

  it('P(alive) falls as the customer stays silent longer and rises with a later last purchase', () => {
    fc.assert(
      fc.property(arbParams, fc.integer({ min: 1, max: 30 }), (p, x) => {
        const a = probabilityAlive(p, x, 10, 20);
        expect(probabilityAlive(p, x, 10, 40)).toBeLessThan(a);
        expect(probabilityAlive(p, x, 15, 20)).toBeGreaterThan(a);
        expect(probabilityAlive(p, x, 20, 20)).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('expected purchases grow with the horizon t and are 0 at t = 0', () => {
    fc.assert(
      fc.property(arbParams, fc.integer({ min: 0, max: 20 }), (p, x) => {
        const tx = x > 0 ? 12 : 0;
        expect(conditionalExpectedPurchases(p, 0, x, tx, 30)).toBe(0);
        let prev = 0;
        for (const t of [1, 5, 20, 60, 200]) {
          const e = conditionalExpectedPurchases(p, t, x, tx, 30);
          expect(e).toBeGreaterThan(prev);
          prev = e;
        }
      }),
    );
  });

  it('the transformed series agrees with eq. 10 evaluated with the plain ₂F₁', () => {
    fc.assert(
      fc.property(
        arbParams,
        fc.integer({ min: 0, max: 25 }),
        fc.double({ min: 0.1, max: 150, noNaN: true }),
        (p, x, t) => {
          fc.pre(Math.abs(p.a - 1) > 1e-3);
          const T = 40;
          const tx = x > 0 ? 25 : 0;
          const ours = conditionalExpectedPurchases(p, t, x, tx, T);
          const direct = eq10(p, t, x, tx, T);
          expect(Math.abs(ours - direct)).toBeLessThanOrEqual(1e-8 * Math.max(1, Math.abs(direct)));
        },
      ),
    );
  });

  it('a new customer’s E[X(t)] (eq. 9) is the conditional formula at x = 0, T = 0', () => {
    expect(expectedPurchasesNew(PAPER, 39)).toBeCloseTo(eq10(PAPER, 39, 0, 0, 0), 12);
    expect(expectedPurchasesNew(PAPER, 39)).toBeCloseTo(conditionalExpectedPurchases(PAPER, 39, 0, 0, 0), 14);
  });

  it('stays continuous through a = 1, where (a+b+x−1)/(a−1) is singular', () => {
    const at = (a: number) => conditionalExpectedPurchases({ ...PAPER, a }, 39, 3, 20, 38);
    expect(Number.isFinite(at(1))).toBe(true);
    expect(at(1)).toBeCloseTo((at(1 - 1e-6) + at(1 + 1e-6)) / 2, 8);
    expect(expectedPurchasesNew({ ...PAPER, a: 1 }, 39)).toBeCloseTo(
      expectedPurchasesNew({ ...PAPER, a: 1.000001 }, 39),
      5,
    );
  });

  it('P(X(t) = n) (eq. 8) sums to 1 and its mean is E[X(t)]', () => {
    for (const t of [5, 39, 78]) {
      let total = 0;
      let mean = 0;
      for (let n = 0; n < 400; n++) {
        const pn = probabilityOfPurchases(PAPER, t, n);
        expect(pn).toBeGreaterThanOrEqual(0);
        total += pn;
        mean += n * pn;
      }
      expect(total).toBeCloseTo(1, 9);
      expect(mean).toBeCloseTo(expectedPurchasesNew(PAPER, t), 8);
    }
  });

  it('the analytic gradient matches finite differences of the log-likelihood', () => {
    const rng = mulberry32(5);
    const data = simulateBgNbd(
      PAPER,
      Array.from({ length: 300 }, () => 20 + rng() * 20),
      rng,
    );
    const p: BgNbdParams = { r: 0.4, alpha: 3, a: 1.3, b: 2 };
    const g = bgnbdGradient(p, data);
    const keys = ['r', 'alpha', 'a', 'b'] as const;
    keys.forEach((k, i) => {
      const h = 1e-6 * p[k];
      const up = bgnbdLogLikelihood({ ...p, [k]: p[k] + h }, data);
      const down = bgnbdLogLikelihood({ ...p, [k]: p[k] - h }, data);
      expect(g[i]!).toBeCloseTo((up - down) / (2 * h), 4);
    });
  });

  it('predictCustomers agrees with the one-customer functions', () => {
    const data: FrequencyRecency[] = [
      { x: 0, tx: 0, T: 30 },
      { x: 2, tx: 30.43, T: 38.86 },
      { x: 12, tx: 35, T: 36 },
    ];
    const { expected, pAlive } = predictCustomers(PAPER, data, 39);
    data.forEach((d, i) => {
      expect(expected[i]).toBeCloseTo(conditionalExpectedPurchases(PAPER, 39, d.x, d.tx, d.T), 14);
      expect(pAlive[i]).toBeCloseTo(probabilityAlive(PAPER, d.x, d.tx, d.T), 14);
    });
  });
});

describe('BG/NBD fitting', () => {
  it('recovers the generating parameters of a simulated base within 4 standard errors', () => {
    const rng = mulberry32(2024);
    const ages = Array.from({ length: 10_000 }, () => 26 + rng() * 13);
    const data = simulateBgNbd(PAPER, ages, rng);
    const fit = fitBgNbd(data);
    expect(fit.converged).toBe(true);
    const se = fit.standardErrors!;
    for (const k of ['r', 'alpha', 'a', 'b'] as const) {
      expect(Math.abs(fit.params[k] - PAPER[k])).toBeLessThan(4 * se[k]);
    }
  });

  it('falls back with a reason when there are too few repeat customers', () => {
    const data: FrequencyRecency[] = [
      ...Array.from({ length: 12 }, (_, i) => ({ x: 1 + (i % 3), tx: 5 + i, T: 30 })),
      ...Array.from({ length: 40 }, () => ({ x: 0, tx: 0, T: 30 })),
    ];
    const check = canFit(data);
    expect(check.ok).toBe(false);
    if (!check.ok) expect(check.reason).toMatch(/too few repeat customers: 12 .*at least 20/);
    expect(canFit([])).toEqual({ ok: false, reason: 'no customers' });
  });

  it('falls back when the data push the fit to the edge of the parameter space', () => {
    // 40 identical steady buyers: no heterogeneity and no drop-out, so r, α, b → ∞ and a → 0.
    const steady: FrequencyRecency[] = Array.from({ length: 40 }, () => ({ x: 5, tx: 50, T: 52 }));
    const check = canFit(steady);
    expect(check.ok).toBe(false);
    if (!check.ok) expect(check.reason).toBe('parameters at the edge of the space (degenerate data)');
    // 25 repeaters who all came back at once and never again: a → ∞, b → 0.
    const oneShot: FrequencyRecency[] = [
      ...Array.from({ length: 25 }, () => ({ x: 1, tx: 0.01, T: 300 })),
      ...Array.from({ length: 500 }, () => ({ x: 0, tx: 0, T: 300 })),
    ];
    const second = canFit(oneShot);
    expect(second.ok).toBe(false);
    if (!second.ok) expect(second.reason).toMatch(/edge|uncertain|Hessian|converge/);
  });

  it('rejects impossible summaries', () => {
    expect(() => fitBgNbd([{ x: 1, tx: 40, T: 30 }])).toThrow(RangeError);
    expect(() => fitBgNbd([{ x: 1.5, tx: 4, T: 30 }])).toThrow(RangeError);
  });

  it('fits and predicts 100k simulated customers (timing is reported, not asserted)', () => {
    const rng = mulberry32(100_000);
    const ages = Array.from({ length: 100_000 }, () => 26 + rng() * 13);
    const data = simulateBgNbd(PAPER, ages, rng);
    const t0 = performance.now();
    const fit = fitBgNbd(data);
    const t1 = performance.now();
    const { expected, pAlive } = predictCustomers(fit.params, data, 39);
    const t2 = performance.now();
    console.log(
      `BG/NBD 100k customers: fit ${(t1 - t0).toFixed(0)} ms, predictions ${(t2 - t1).toFixed(0)} ms, ` +
        `total ${(t2 - t0).toFixed(0)} ms; params ${JSON.stringify(fit.params)}`,
    );
    expect(fit.converged).toBe(true);
    expect(expected.every(Number.isFinite)).toBe(true);
    expect(pAlive.every((p) => p > 0 && p <= 1)).toBe(true);
  });
});
