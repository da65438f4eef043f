import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { quantileScorer, rfmPopulation } from '../../../src/core/analytics/rfm.ts';
import { populationFromCutPoints, rfmCutPoints } from '../../../src/core/analytics/rfm-compact.ts';

describe('compact RFM population', () => {
  it('scores every member exactly like the full population it was cut from', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.integer({ min: 0, max: 400 }),
            fc.integer({ min: 1, max: 30 }),
            fc.integer({ min: 1, max: 90_000 }),
          ),
          {
            minLength: 1,
            maxLength: 200,
          },
        ),
        fc.array(
          fc.tuple(
            fc.integer({ min: -5, max: 420 }),
            fc.integer({ min: 0, max: 35 }),
            fc.integer({ min: 0, max: 95_000 }),
          ),
          {
            minLength: 1,
            maxLength: 30,
          },
        ),
        (rows, probes) => {
          const full = rfmPopulation({
            recency: rows.map((r) => r[0]),
            frequency: rows.map((r) => r[1]),
            monetary: rows.map((r) => r[2]),
          });
          const exact = quantileScorer(full);
          const compact = quantileScorer(populationFromCutPoints(rfmCutPoints(full)));
          for (const [r, f, m] of rows) {
            expect(compact.r(r)).toBe(exact.r(r));
            expect(compact.f(f)).toBe(exact.f(f));
            expect(compact.m(m)).toBe(exact.m(m));
          }
          // A new value beyond every member gets the top score, 5 (the raw formula would say 6).
          for (const [r, f, m] of probes) {
            expect(compact.r(r)).toBe(Math.min(5, exact.r(r)));
            expect(compact.f(f)).toBe(Math.min(5, exact.f(f)));
            expect(compact.m(m)).toBe(Math.min(5, exact.m(m)));
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('survives a JSON round trip (what the workspace stores)', () => {
    const full = rfmPopulation({ recency: [1, 5, 9], frequency: [1, 1, 4], monetary: [100, 250, 900] });
    const cut = JSON.parse(JSON.stringify(rfmCutPoints(full)));
    const s = quantileScorer(populationFromCutPoints(cut));
    expect([s.r(1), s.f(4), s.m(100)]).toEqual([
      quantileScorer(full).r(1),
      quantileScorer(full).f(4),
      quantileScorer(full).m(100),
    ]);
  });
});
