import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../src/core/clv/random.ts';
import {
  buildCoOccurrence,
  hitRateAtK,
  type ItemPurchase,
  type RecommendOptions,
  recommend,
  recommendationSupport,
} from '../../../src/core/recommend/co-occurrence.ts';

// N = 8. n(yoga) = 5, n(massage) = 3, n(sauna) = 3, n(manicure) = 3, n(pedicure) = 2.
// lift(yoga, massage) = 3·8/(5·3) = 1.6; lift(yoga, sauna) = 2·8/(5·3) ≈ 1.067;
// lift(manicure, sauna) = 1·8/(3·3) ≈ 0.889; lift(manicure, pedicure) = 2·8/(3·2) ≈ 2.667.
const BASKETS = [
  ['yoga', 'massage'],
  ['yoga', 'massage', 'sauna'],
  ['yoga', 'massage'],
  ['yoga', 'sauna'],
  ['yoga'],
  ['manicure', 'pedicure'],
  ['manicure', 'pedicure'],
  ['manicure', 'sauna'],
];
const model = buildCoOccurrence(BASKETS);

describe('recommend (table)', () => {
  const cases: { name: string; owned: string[]; options: RecommendOptions; expected: [string, number][] }[] =
    [
      {
        name: 'sum of lifts, no fill',
        owned: ['yoga'],
        options: { n: 3, fillWithPopular: false },
        expected: [
          ['massage', 1.6],
          ['sauna', 16 / 15],
        ],
      },
      {
        name: 'minLift 1 drops only the chance-level pairs',
        owned: ['yoga', 'manicure'],
        options: { n: 3, minPairCount: 1, minLift: 1, fillWithPopular: false },
        // sauna: yoga→sauna 1.067 counts, manicure→sauna 0.889 does not.
        expected: [
          ['pedicure', 8 / 3],
          ['massage', 1.6],
          ['sauna', 16 / 15],
        ],
      },
      {
        name: 'n = 1: only the strongest',
        owned: ['yoga', 'manicure'],
        options: { n: 1, minPairCount: 1, minLift: 0, fillWithPopular: false, aggregate: 'sum' },
        expected: [['pedicure', 8 / 3]],
      },
      {
        name: 'max keeps the strongest single association',
        owned: ['yoga', 'manicure'],
        options: { n: 3, minPairCount: 1, aggregate: 'max', fillWithPopular: false },
        expected: [
          ['pedicure', 8 / 3],
          ['massage', 1.6],
          ['sauna', 16 / 15],
        ],
      },
      {
        name: 'support guard: pairs seen by fewer than 3 customers are ignored; popular fill, score 0',
        owned: ['yoga'],
        options: { n: 3, minPairCount: 3 },
        expected: [
          ['massage', 1.6],
          ['manicure', 0],
          ['sauna', 0],
        ],
      },
      {
        name: 'no signal at all: most popular unbought, ties by name',
        owned: ['pedicure'],
        options: { n: 2, minPairCount: 5 },
        expected: [
          ['yoga', 0],
          ['manicure', 0],
        ],
      },
      {
        name: 'bought everything: nothing left',
        owned: ['yoga', 'massage', 'sauna', 'manicure', 'pedicure'],
        options: {},
        expected: [],
      },
    ];
  for (const c of cases) {
    it(c.name, () => {
      const got = recommend(model, c.owned, c.options).map((r) => [r.item, r.score] as [string, number]);
      expect(got.map(([i]) => i)).toEqual(c.expected.map(([i]) => i));
      for (const [i, [, score]] of got.entries()) expect(score).toBeCloseTo(c.expected[i]![1], 12);
    });
  }

  it('sums the two lifts pointing at sauna', () => {
    const [sauna] = recommend(model, ['yoga', 'manicure'], {
      n: 5,
      minPairCount: 1,
      fillWithPopular: false,
    }).filter((r) => r.item === 'sauna');
    expect(sauna!.score).toBeCloseTo(16 / 15 + 8 / 9, 12);
    expect(sauna!.because).toEqual(['yoga', 'manicure']);
  });

  it('support grows with the base: 2 on small bases, 0.2 % on large ones', () => {
    expect([0, 30, 300, 1000, 1001, 5000, 100_000].map(recommendationSupport)).toEqual([
      2, 2, 2, 2, 3, 10, 200,
    ]);
  });
});

describe('recommend (property)', () => {
  it('never recommends what was bought, ranks by score, fills to n when it can', () => {
    const rng = mulberry32(42);
    const items = Array.from({ length: 15 }, (_, i) => `item${i}`);
    for (let trial = 0; trial < 60; trial++) {
      const baskets = Array.from({ length: 5 + Math.floor(rng() * 80) }, () =>
        items.filter(() => rng() < 0.1 + rng() * 0.3),
      );
      const m = buildCoOccurrence(baskets);
      const known = [...m.itemCounts.keys()];
      const owned = known.filter(() => rng() < 0.3);
      const n = 1 + Math.floor(rng() * 5);
      const options: RecommendOptions = {
        n,
        minPairCount: 1 + Math.floor(rng() * 3),
        minLift: rng() < 0.5 ? 0 : 1,
        aggregate: rng() < 0.5 ? 'sum' : 'max',
      };
      const recs = recommend(m, owned, options);
      const unowned = known.filter((i) => !owned.includes(i));
      expect(recs.length).toBe(Math.min(n, unowned.length));
      expect(new Set(recs.map((r) => r.item)).size).toBe(recs.length);
      for (const r of recs) expect(owned).not.toContain(r.item);
      for (let i = 1; i < recs.length; i++) expect(recs[i]!.score).toBeLessThanOrEqual(recs[i - 1]!.score);
      // Every positive score is above minLift (a single lift, or a sum of them).
      for (const r of recs) if (r.score > 0) expect(r.score).toBeGreaterThan(options.minLift!);
    }
  });

  it('hit rates are shares of the evaluated customers, the model at least as good at a larger k', () => {
    const rng = mulberry32(9);
    const history: ItemPurchase[] = [];
    for (let c = 0; c < 200; c++) {
      const pair = rng() < 0.5 ? ['yoga', 'massage'] : ['manicure', 'pedicure'];
      history.push({ customerId: `c${c}`, day: '2024-01-01', item: pair[0]! });
      if (rng() < 0.3) history.push({ customerId: `c${c}`, day: '2024-01-05', item: 'gift card' });
      history.push({ customerId: `c${c}`, day: '2024-02-01', item: rng() < 0.8 ? pair[1]! : 'sauna' });
    }
    const at1 = hitRateAtK(history, 1, { minPairCount: recommendationSupport(200), minLift: 1 });
    const at3 = hitRateAtK(history, 3, { minPairCount: recommendationSupport(200), minLift: 1 });
    for (const r of [at1, at3]) {
      expect(r.model).toBeGreaterThanOrEqual(0);
      expect(r.model).toBeLessThanOrEqual(1);
      expect(r.model).toBe(r.modelHits / r.evaluated);
    }
    expect(at3.modelHits).toBeGreaterThanOrEqual(at1.modelHits);
    expect(at1.model).toBeGreaterThan(at1.baseline);
  });
});
