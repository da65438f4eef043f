import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  hessianFromGradient,
  invertSpd,
  minimizeBfgs,
  minimizeNelderMead,
} from '../../../src/core/clv/optimize.ts';
import { mulberry32, randomBeta, randomGamma } from '../../../src/core/clv/random.ts';
import {
  digamma,
  gamma,
  hyp2f1,
  lbeta,
  lgamma,
  lgammaRatio,
  logAddExp,
  logSumExp,
} from '../../../src/core/clv/special.ts';

const EULER_GAMMA = 0.5772156649015329;

describe('log-gamma and digamma', () => {
  it('lgamma(0.5) is ln √π and lgamma(n) is ln (n−1)!', () => {
    expect(lgamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 14);
    expect(lgamma(1)).toBe(0);
    expect(lgamma(2)).toBe(0);
    let fact = 1;
    for (let n = 2; n <= 30; n++) {
      fact *= n;
      expect(lgamma(n + 1) / Math.log(fact)).toBeCloseTo(1, 13);
    }
  });

  it('lgamma obeys ln Γ(x+1) = ln Γ(x) + ln x across magnitudes', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-3, max: 1e4, noNaN: true }), (x) => {
        expect(lgamma(x + 1) - lgamma(x) - Math.log(x)).toBeCloseTo(0, 9);
      }),
    );
  });

  it('lgamma reflects below 0.5: Γ(−0.5) = −2√π', () => {
    expect(lgamma(-0.5)).toBeCloseTo(Math.log(2 * Math.sqrt(Math.PI)), 13);
    expect(gamma(-0.5)).toBeCloseTo(-2 * Math.sqrt(Math.PI), 12);
    expect(lgamma(0)).toBe(Number.POSITIVE_INFINITY);
  });

  it('lgammaRatio is ln of the rising factorial Γ(x+n)/Γ(x)', () => {
    expect(lgammaRatio(2.5, 3)).toBeCloseTo(Math.log(2.5 * 3.5 * 4.5), 14);
    expect(lgammaRatio(0.3, 40.5)).toBeCloseTo(lgamma(40.8) - lgamma(0.3), 12);
    expect(lgammaRatio(7, 0)).toBe(0);
  });

  it('lbeta(1, b) = −ln b', () => {
    expect(lbeta(1, 3.7)).toBeCloseTo(-Math.log(3.7), 13);
  });

  it('digamma(1) = −γ, digamma(0.5) = −γ − 2 ln 2, and ψ(x+1) = ψ(x) + 1/x', () => {
    expect(digamma(1)).toBeCloseTo(-EULER_GAMMA, 14);
    expect(digamma(0.5)).toBeCloseTo(-EULER_GAMMA - 2 * Math.LN2, 14);
    fc.assert(
      fc.property(fc.double({ min: 1e-2, max: 1e3, noNaN: true }), (x) => {
        expect(digamma(x + 1) - digamma(x) - 1 / x).toBeCloseTo(0, 10);
      }),
    );
  });

  it('digamma is the derivative of lgamma', () => {
    for (const x of [0.3, 1.7, 4.2, 25, 300]) {
      const h = 1e-5 * x;
      expect(digamma(x)).toBeCloseTo((lgamma(x + h) - lgamma(x - h)) / (2 * h), 6);
    }
  });
});

describe('log-sum-exp', () => {
  it('does not overflow and matches the direct sum on small values', () => {
    expect(logSumExp([1000, 1000])).toBeCloseTo(1000 + Math.LN2, 12);
    expect(logSumExp([Math.log(2), Math.log(3)])).toBeCloseTo(Math.log(5), 14);
    expect(logSumExp([])).toBe(Number.NEGATIVE_INFINITY);
    expect(logAddExp(-1e4, Number.NEGATIVE_INFINITY)).toBe(-1e4);
    expect(logAddExp(-800, -800)).toBeCloseTo(-800 + Math.LN2, 12);
  });
});

describe('Gauss hypergeometric 2F1', () => {
  it('2F1(1, 1; 2; z) = −ln(1 − z)/z on (−0.99, 0.99)', () => {
    fc.assert(
      fc.property(fc.double({ min: -0.99, max: 0.99, noNaN: true }), (z) => {
        fc.pre(Math.abs(z) > 1e-6);
        const expected = -Math.log1p(-z) / z;
        expect(hyp2f1(1, 1, 2, z) / expected).toBeCloseTo(1, 12);
      }),
    );
  });

  it('2F1(a, b; b; z) = (1 − z)^−a', () => {
    for (const [a, b, z] of [
      [0.3, 2.5, 0.4],
      [2.2, 0.7, 0.95],
      [1.5, 3, -3],
    ] as const) {
      expect(hyp2f1(a, b, b, z) / (1 - z) ** -a).toBeCloseTo(1, 12);
    }
  });

  it('2F1(½, ½; 3/2; z²) = arcsin(z)/z', () => {
    for (const z of [0.1, 0.5, 0.9, 0.99]) {
      expect(hyp2f1(0.5, 0.5, 1.5, z * z)).toBeCloseTo(Math.asin(z) / z, 11);
    }
  });

  it('terminates for a non-positive integer a', () => {
    const b = 1.3;
    const c = 2.7;
    const z = 0.8;
    expect(hyp2f1(-2, b, c, z)).toBeCloseTo(1 - (2 * b * z) / c + (b * (b + 1) * z * z) / (c * (c + 1)), 14);
  });

  it('gives Gauss’s sum at z = 1', () => {
    const [a, b, c] = [0.4, 0.9, 2.5];
    const expected = Math.exp(lgamma(c) + lgamma(c - a - b) - lgamma(c - a) - lgamma(c - b));
    expect(hyp2f1(a, b, c, 1)).toBeCloseTo(expected, 12);
    // and the series approaches it from below
    expect(hyp2f1(a, b, c, 0.999)).toBeLessThan(expected);
    expect(hyp2f1(a, b, c, 0.999)).toBeGreaterThan(expected - 0.01);
  });

  it('rejects z > 1 and non-positive integer c', () => {
    expect(() => hyp2f1(1, 1, 2, 1.5)).toThrow(RangeError);
    expect(() => hyp2f1(1, 1, -1, 0.5)).toThrow(RangeError);
  });
});

describe('optimisers and linear algebra', () => {
  const rosen = (x: readonly number[]) => 100 * (x[1]! - x[0]! ** 2) ** 2 + (1 - x[0]!) ** 2;
  const rosenGrad = (x: readonly number[]) => [
    -400 * x[0]! * (x[1]! - x[0]! ** 2) - 2 * (1 - x[0]!),
    200 * (x[1]! - x[0]! ** 2),
  ];

  it('BFGS finds the Rosenbrock minimum', () => {
    const res = minimizeBfgs(rosen, rosenGrad, [-1.2, 1]);
    expect(res.converged).toBe(true);
    expect(res.x[0]).toBeCloseTo(1, 6);
    expect(res.x[1]).toBeCloseTo(1, 6);
  });

  it('Nelder–Mead finds the Rosenbrock minimum', () => {
    const res = minimizeNelderMead(rosen, [-1.2, 1]);
    expect(res.x[0]).toBeCloseTo(1, 4);
    expect(res.x[1]).toBeCloseTo(1, 4);
  });

  it('the numerical Hessian and its SPD inverse match the analytic ones', () => {
    const H = hessianFromGradient(rosenGrad, [1, 1]);
    expect(H[0]![0]).toBeCloseTo(802, 3);
    expect(H[0]![1]).toBeCloseTo(-400, 3);
    expect(H[1]![1]).toBeCloseTo(200, 3);
    const inv = invertSpd(H)!;
    const det = 802 * 200 - 400 * 400;
    expect(inv[0]![0]).toBeCloseTo(200 / det, 5);
    expect(inv[0]![1]).toBeCloseTo(400 / det, 5);
    expect(
      invertSpd([
        [1, 2],
        [2, 1],
      ]),
    ).toBeNull();
  });
});

describe('seeded random numbers', () => {
  it('mulberry32 is reproducible from its seed', () => {
    const a = mulberry32(7);
    const b = mulberry32(7);
    const xs = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
  });

  it('gamma and beta draws have the right means', () => {
    const rng = mulberry32(123);
    const n = 40_000;
    let g = 0;
    let gs = 0;
    let be = 0;
    for (let i = 0; i < n; i++) {
      g += randomGamma(2.5, rng) / n;
      gs += randomGamma(0.3, rng) / n;
      be += randomBeta(0.8, 2.4, rng) / n;
    }
    expect(g).toBeCloseTo(2.5, 1);
    expect(gs).toBeCloseTo(0.3, 1);
    expect(be).toBeCloseTo(0.8 / 3.2, 2);
  });
});
