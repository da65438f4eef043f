import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../src/core/clv/random.ts';
import type { ItemPurchase } from '../../../src/core/clv/recommend.ts';
import {
  buildBaskets,
  buildCoOccurrence,
  hitRateAtK,
  lift,
  mostPopular,
  recommend,
  recommendForCustomers,
} from '../../../src/core/clv/recommend.ts';

// N = 7 customers. n(yoga) = 4, n(massage) = 3, n(manicure) = 3, n(pedicure) = 2, n(sauna) = 2.
const BASKETS = [
  ['yoga', 'massage'],
  ['yoga', 'massage'],
  ['yoga', 'massage', 'sauna'],
  ['manicure', 'pedicure'],
  ['manicure', 'pedicure'],
  ['manicure', 'sauna'],
  ['yoga'],
];

describe('co-occurrence lift', () => {
  const model = buildCoOccurrence(BASKETS);

  it('computes lift = n_ij · N / (n_i · n_j) by hand', () => {
    expect(model.customers).toBe(7);
    expect(lift(model, 'yoga', 'massage')).toBeCloseTo((3 * 7) / (4 * 3), 12); // 1.75
    expect(lift(model, 'massage', 'yoga')).toBeCloseTo(1.75, 12);
    expect(lift(model, 'yoga', 'sauna')).toBeCloseTo((1 * 7) / (4 * 2), 12); // 0.875
    expect(lift(model, 'manicure', 'pedicure')).toBeCloseTo((2 * 7) / (3 * 2), 12); // 2.333…
    expect(lift(model, 'yoga', 'pedicure')).toBe(0);
  });

  it('recommends massage to a yoga customer, then fills with popular items', () => {
    const recs = recommend(model, ['yoga'], { n: 3 });
    expect(recs.map((r) => r.item)).toEqual(['massage', 'manicure', 'pedicure']);
    expect(recs[0]).toEqual({ item: 'massage', score: 1.75, because: ['yoga'] });
    expect(recs[1]!.score).toBe(0);
    // yoga–sauna was bought together by one customer only: below the default minPairCount of 2.
    const loose = recommend(model, ['yoga'], { n: 3, minPairCount: 1, fillWithPopular: false });
    expect(loose.map((r) => [r.item, r.score])).toEqual([
      ['massage', 1.75],
      ['sauna', 0.875],
    ]);
  });

  it('sums lifts over everything the customer bought', () => {
    const recs = recommend(model, ['massage', 'manicure'], { n: 2, minPairCount: 1, fillWithPopular: false });
    // sauna: lift(massage, sauna) = 1·7/(3·2) + lift(manicure, sauna) = 1·7/(3·2)
    const sauna = recs.find((r) => r.item === 'sauna')!;
    expect(sauna.score).toBeCloseTo(7 / 6 + 7 / 6, 12);
  });

  it('the popularity baseline ignores what the customer bought', () => {
    expect(mostPopular(model, ['yoga'], 2)).toEqual(['manicure', 'massage']);
  });

  it('builds baskets as sets of items per customer', () => {
    const baskets = buildBaskets([
      { customerId: 'a', day: '2024-01-01', item: 'yoga' },
      { customerId: 'a', day: '2024-01-02', item: 'yoga' },
      { customerId: 'a', day: '2024-01-03', item: 'massage' },
    ]);
    expect([...baskets.get('a')!]).toEqual(['yoga', 'massage']);
    const all = recommendForCustomers(
      BASKETS.flatMap((b, i) => b.map((item) => ({ customerId: `c${i}`, day: '2024-01-01', item }))),
    );
    expect(all.get('c6')![0]!.item).toBe('massage');
  });
});

describe('offline hit rate', () => {
  const h = (customerId: string, day: string, item: string): ItemPurchase => ({ customerId, day, item });
  const TINY = [
    h('A', '2024-01-01', 'yoga'),
    h('A', '2024-02-01', 'massage'), // evaluated: hidden massage
    h('B', '2024-01-01', 'yoga'),
    h('B', '2024-01-01', 'massage'), // single day: skipped
    h('C', '2024-01-01', 'manicure'),
    h('C', '2024-01-05', 'pedicure'), // evaluated: hidden pedicure
    h('D', '2024-01-01', 'manicure'),
    h('D', '2024-01-01', 'pedicure'), // single day: skipped
    h('E', '2024-01-01', 'yoga'),
    h('E', '2024-01-02', 'yoga'), // nothing new on the last day: skipped
  ];

  it('hides each customer’s new last-day items and scores model and baseline by hand', () => {
    // A: without A's massage, n(yoga)=3, n(massage)=1, n(yoga,massage)=1 → massage scores 5/3 → hit.
    //    Baseline top-1 excluding yoga: manicure (2) → miss. C likewise: pedicure hit, baseline yoga (3) miss.
    expect(hitRateAtK(TINY, 1, { minPairCount: 1 })).toEqual({
      k: 1,
      evaluated: 2,
      modelHits: 2,
      baselineHits: 0,
      model: 1,
      baseline: 0,
    });
    // With the default minPairCount = 2 the single remaining pair is noise: the model is the baseline.
    expect(hitRateAtK(TINY, 1)).toMatchObject({ evaluated: 2, model: 0, baseline: 0 });
  });

  it('beats the popularity baseline on a deterministic synthetic salon', () => {
    const rng = mulberry32(11);
    const tribes = [
      { entry: 'yoga', next: 'massage', share: 0.45 },
      { entry: 'manicure', next: 'pedicure', share: 0.35 },
      { entry: 'gym', next: 'protein shake', share: 0.2 },
    ];
    const extras = ['haircut', 'facial', 'sauna', 'gift card'];
    const history: ItemPurchase[] = [];
    for (let c = 0; c < 400; c++) {
      const u = rng();
      const tribe = u < 0.45 ? tribes[0]! : u < 0.8 ? tribes[1]! : tribes[2]!;
      const id = `c${c}`;
      history.push(h(id, '2024-01-01', tribe.entry));
      if (rng() < 0.6) history.push(h(id, '2024-01-01', 'gift card'));
      if (rng() < 0.5) history.push(h(id, '2024-01-10', extras[Math.floor(rng() * extras.length)]!));
      const last = rng() < 0.75 ? tribe.next : extras[Math.floor(rng() * extras.length)]!;
      history.push(h(id, '2024-02-01', last));
    }
    const at1 = hitRateAtK(history, 1);
    const at3 = hitRateAtK(history, 3);
    console.log(
      `synthetic salon hit rate: @1 model ${at1.model.toFixed(3)} vs popular ${at1.baseline.toFixed(3)}; ` +
        `@3 model ${at3.model.toFixed(3)} vs popular ${at3.baseline.toFixed(3)} (${at1.evaluated} customers)`,
    );
    expect(at1.evaluated).toBeGreaterThan(300);
    expect(at1.model).toBeGreaterThan(at1.baseline + 0.2);
    expect(at3.model).toBeGreaterThanOrEqual(at3.baseline);
    expect(at3.model).toBeGreaterThanOrEqual(at1.model);
  });
});
