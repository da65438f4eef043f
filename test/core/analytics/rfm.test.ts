import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lowerBound, upperBound } from '../../../src/core/analytics/purchases.ts';
import {
  fixedScorer,
  quantileScorer,
  RFM_GRID,
  RFM_SEGMENTS,
  rankIndex,
  rfmPopulation,
  rfmScorerFor,
  rfmSegment,
  rfmThresholdsFromSettings,
  scoreRfm,
} from '../../../src/core/analytics/rfm.ts';
import { defaultSettings } from '../../../src/core/settings.ts';

const quantile = { rfm_mode: 'quantile', rfm_thresholds: null } as const;
const rows = (values: [number, number, number][]) =>
  values.map(([recency, frequency, monetary], i) => ({ customerId: i + 1, recency, frequency, monetary }));

/** The formulas of PRODUCT.md, literally, in O(n²). */
function naive(values: number[], lowerIsBetter: boolean): number[] {
  const n = values.length;
  return values.map((v) => {
    const count = values.filter((w) => (lowerIsBetter ? w > v : w < v)).length;
    return 1 + Math.floor((5 * count) / n);
  });
}

describe('quantile scores', () => {
  it('follow the formulas on a worked example (n = 5)', () => {
    const scored = scoreRfm(
      rows([
        [1, 10, 500],
        [5, 3, 100],
        [5, 3, 300],
        [40, 1, 50],
        [200, 2, 50],
      ]),
      quantile,
    );
    // R: strictly more days: 4, 2, 2, 1, 0 → 1 + floor(5·k/5)
    expect(scored.map((s) => s.r)).toEqual([5, 3, 3, 2, 1]);
    // F: strictly smaller: 4, 2, 2, 0, 1
    expect(scored.map((s) => s.f)).toEqual([5, 3, 3, 1, 2]);
    // M: strictly smaller: 4, 2, 3, 0, 0
    expect(scored.map((s) => s.m)).toEqual([5, 3, 4, 1, 1]);
    expect(scored.map((s) => s.segment)).toEqual([
      'champions',
      'need_attention',
      'need_attention',
      'hibernating',
      'hibernating',
    ]);
  });

  it('ties share the lower score', () => {
    const scored = scoreRfm(
      rows([
        [10, 2, 100],
        [10, 2, 100],
        [10, 2, 100],
        [3, 7, 900],
      ]),
      quantile,
    );
    // three tied at the bottom of F: 0 strictly smaller → 1; the top: 3 smaller → 1 + floor(15/4) = 4
    expect(scored.map((s) => s.f)).toEqual([1, 1, 1, 4]);
    expect(scored.map((s) => s.m)).toEqual([1, 1, 1, 4]);
    // R: 10 days has nobody with more days → 1; 3 days has 3 with more → 4
    expect(scored.map((s) => s.r)).toEqual([1, 1, 1, 4]);
  });

  it('one customer (n = 1) scores 1, 1, 1: nobody is strictly worse', () => {
    const [only] = scoreRfm(rows([[0, 1, 100]]), quantile);
    expect(only).toMatchObject({ r: 1, f: 1, m: 1, segment: 'hibernating' });
  });

  it('sorting and binary search equal the literal O(n²) formulas', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(fc.nat(400), fc.integer({ min: 1, max: 30 }), fc.integer({ min: 1, max: 10_000 })),
          {
            minLength: 1,
            maxLength: 60,
          },
        ),
        (values) => {
          const scored = scoreRfm(rows(values), quantile);
          expect(scored.map((s) => s.r)).toEqual(
            naive(
              values.map((v) => v[0]),
              true,
            ),
          );
          expect(scored.map((s) => s.f)).toEqual(
            naive(
              values.map((v) => v[1]),
              false,
            ),
          );
          expect(scored.map((s) => s.m)).toEqual(
            naive(
              values.map((v) => v[2]),
              false,
            ),
          );
        },
      ),
    );
  });

  it('the prefix-count rank index gives the same counts as binary search', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.integer({ min: -20, max: 60 }), fc.double({ min: -20, max: 60, noNaN: true })), {
          maxLength: 50,
        }),
        fc.array(fc.oneof(fc.integer({ min: -30, max: 70 }), fc.double({ min: -30, max: 70, noNaN: true }))),
        (values, queries) => {
          const sorted = Float64Array.from(values).sort();
          const index = rankIndex(sorted);
          for (const q of queries) {
            expect(index.below(q)).toBe(lowerBound(sorted, q));
            expect(index.atOrBelow(q)).toBe(upperBound(sorted, q));
          }
        },
      ),
    );
  });

  it('an empty population has no quantile scorer', () => {
    expect(rfmScorerFor(quantile, null)).toBeNull();
    expect(() => quantileScorer(rfmPopulation({ recency: [], frequency: [], monetary: [] }))).toThrow(
      RangeError,
    );
  });
});

describe('fixed thresholds', () => {
  const scorer = fixedScorer({ r: [30, 60, 90, 180], f: [2, 3, 5, 10], m: [1000, 5000, 10000, 50000] });
  it.each([
    [1, 1],
    [2, 2],
    [4, 3],
    [5, 4],
    [9, 4],
    [10, 5],
    [99, 5],
  ])('F = %s → %s (value < t1 → 1 … ≥ t4 → 5)', (f, expected) => {
    expect(scorer.f(f)).toBe(expected);
  });
  it.each([
    [0, 5],
    [29, 5],
    [30, 4],
    [89, 3],
    [90, 2],
    [179, 2],
    [180, 1],
  ])('R = %s days → %s (reversed: fewer days is better)', (r, expected) => {
    expect(scorer.r(r)).toBe(expected);
  });

  it('settings give M cut points in major units, converted to cents', () => {
    const settings = {
      ...defaultSettings(),
      rfm_mode: 'fixed' as const,
      rfm_thresholds: { r: [30, 60, 90, 180], f: [2, 3, 5, 10], m: [10, 50, 100, 500.5] },
    };
    expect(rfmThresholdsFromSettings(settings)?.m).toEqual([1000, 5000, 10000, 50050]);
    expect(rfmScorerFor(settings, null)?.m(5000)).toBe(3);
  });

  it('fixed mode without thresholds falls back to quantile', () => {
    const settings = { rfm_mode: 'fixed', rfm_thresholds: null } as const;
    expect(rfmThresholdsFromSettings(settings)).toBeNull();
    expect(scoreRfm(rows([[1, 1, 1]]), settings)[0]).toMatchObject({ r: 1, f: 1, m: 1 });
  });

  it('cut points must be 4 and ascending', () => {
    expect(() => fixedScorer({ r: [1, 2, 3], f: [1, 2, 3, 4], m: [1, 2, 3, 4] })).toThrow(RangeError);
    expect(() => fixedScorer({ r: [1, 2, 3, 4], f: [4, 3, 2, 1], m: [1, 2, 3, 4] })).toThrow(RangeError);
  });
});

describe('the 5×5 segment grid', () => {
  const table: Record<number, string[]> = {
    5: ['new', 'potential_loyalist', 'potential_loyalist', 'champions', 'champions'],
    4: ['promising', 'potential_loyalist', 'potential_loyalist', 'loyal', 'loyal'],
    3: ['about_to_sleep', 'about_to_sleep', 'need_attention', 'loyal', 'loyal'],
    2: ['hibernating', 'hibernating', 'at_risk', 'at_risk', 'cant_lose'],
    1: ['hibernating', 'hibernating', 'at_risk', 'at_risk', 'cant_lose'],
  };
  const cells = [1, 2, 3, 4, 5].flatMap((r) =>
    [1, 2, 3, 4, 5].map((f) => [r, f, table[r]![f - 1]!] as const),
  );
  it.each(cells)('R %s, F %s → %s', (r, f, expected) => {
    expect(rfmSegment(r, f)).toBe(expected);
  });

  it('every segment name appears in the grid and the list has no other', () => {
    expect(new Set(RFM_GRID.flat())).toEqual(new Set(RFM_SEGMENTS));
    expect(RFM_SEGMENTS).toHaveLength(10);
  });

  it('scores outside 1–5 are errors', () => {
    expect(() => rfmSegment(0, 3)).toThrow(RangeError);
    expect(() => rfmSegment(3, 6)).toThrow(RangeError);
  });
});
