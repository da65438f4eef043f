/**
 * "Next service" cross-sell from co-occurrence across customers (yoga → massage).
 *
 * Baskets: one per customer, the SET of items (or categories — pass whichever string you want
 * to recommend) the customer ever bought. With N customers, nᵢ customers who bought i and nᵢⱼ who
 * bought both i and j:
 *
 *   lift(i, j) = nᵢⱼ · N / (nᵢ · nⱼ)     (> 1: bought together more often than by chance)
 *
 * Score of an item j the customer has not bought, given the set S they did buy:
 *
 *   score(j) = Σ_{i ∈ S, nᵢⱼ ≥ minPairCount, lift(i, j) > minLift} lift(i, j)     (aggregate 'sum')
 *   score(j) = max over the same i                                                (aggregate 'max')
 *
 * 'sum' rewards an item that several of the customer's items point to; 'max' keeps a customer
 * with a long history from drowning one strong association in many weak ones. `minPairCount`
 * is the support guard: on a 30-customer base one shared customer would otherwise give any pair
 * a huge lift. `minLift` = 1 keeps only pairs bought together MORE often than by chance, so a
 * recommendation always means "customers like you bought this more than the average customer".
 *
 * Items with a positive score come first (score desc, then popularity desc, then name); when
 * `fillWithPopular` is on (default) the list is topped up with the most popular unbought items
 * (score 0), so a customer with no informative history still gets suggestions.
 */

export interface ItemPurchase {
  customerId: string;
  /** `YYYY-MM-DD`. */
  day: string;
  item: string;
}

export interface CoOccurrenceModel {
  customers: number;
  itemCounts: Map<string, number>;
  /** Symmetric: pairCounts.get(i).get(j) = pairCounts.get(j).get(i) = nᵢⱼ (i ≠ j). */
  pairCounts: Map<string, Map<string, number>>;
}

export interface RecommendOptions {
  /** How many to return. Default 5. */
  n?: number;
  /** Ignore pairs bought together by fewer customers than this (noise guard). Default 2. */
  minPairCount?: number;
  /** Top the list up with the most popular unbought items. Default true. */
  fillWithPopular?: boolean;
  /** How lifts from the customer's items combine into a score. Default 'sum'. */
  aggregate?: 'sum' | 'max';
  /** Only pairs with lift strictly above this count (1 = positive association only). Default 0. */
  minLift?: number;
}

export interface Recommendation {
  item: string;
  score: number;
  /** Bought items that contributed most to the score (up to 3), for "because you bought …". */
  because: string[];
}

/**
 * The support guard the product uses: a pair must be bought together by at least 2 customers,
 * and by at least 0.2 % of the base on larger bases (10 of 5,000), so a lift is never built on
 * one or two coincidences.
 */
export function recommendationSupport(customers: number): number {
  return Math.max(2, Math.ceil(0.002 * customers));
}

/** customerId → set of items ever bought. */
export function buildBaskets(history: readonly ItemPurchase[]): Map<string, Set<string>> {
  const baskets = new Map<string, Set<string>>();
  for (const p of history) {
    let s = baskets.get(p.customerId);
    if (!s) {
      s = new Set();
      baskets.set(p.customerId, s);
    }
    s.add(p.item);
  }
  return baskets;
}

export function buildCoOccurrence(baskets: Iterable<Iterable<string>>): CoOccurrenceModel {
  const itemCounts = new Map<string, number>();
  const pairCounts = new Map<string, Map<string, number>>();
  let customers = 0;
  for (const basket of baskets) {
    const items = [...new Set(basket)];
    if (items.length === 0) continue;
    customers++;
    for (const i of items) itemCounts.set(i, (itemCounts.get(i) ?? 0) + 1);
    for (const i of items) {
      let row = pairCounts.get(i);
      if (!row) {
        row = new Map();
        pairCounts.set(i, row);
      }
      for (const j of items) if (j !== i) row.set(j, (row.get(j) ?? 0) + 1);
    }
  }
  return { customers, itemCounts, pairCounts };
}

/** Count accessors, so evaluation can hide one customer's items without rebuilding the model. */
interface Counts {
  N: number;
  item(i: string): number;
  pair(i: string, j: string): number;
  neighbours(i: string): Iterable<string>;
  items(): Iterable<string>;
}

function modelCounts(m: CoOccurrenceModel): Counts {
  return {
    N: m.customers,
    item: (i) => m.itemCounts.get(i) ?? 0,
    pair: (i, j) => m.pairCounts.get(i)?.get(j) ?? 0,
    neighbours: (i) => m.pairCounts.get(i)?.keys() ?? [],
    items: () => m.itemCounts.keys(),
  };
}

function liftFrom(c: Counts, i: string, j: string): number {
  const nij = c.pair(i, j);
  if (nij === 0) return 0;
  return (nij * c.N) / (c.item(i) * c.item(j));
}

/** lift(i, j) = nᵢⱼ · N / (nᵢ · nⱼ); 0 when the pair never co-occurs. */
export function lift(model: CoOccurrenceModel, i: string, j: string): number {
  return liftFrom(modelCounts(model), i, j);
}

function byPopularity(c: Counts, exclude: Set<string>): string[] {
  const list: string[] = [];
  for (const i of c.items()) if (!exclude.has(i) && c.item(i) > 0) list.push(i);
  return list.sort((p, q) => c.item(q) - c.item(p) || (p < q ? -1 : p > q ? 1 : 0));
}

function recommendFrom(c: Counts, owned: Set<string>, options: RecommendOptions): Recommendation[] {
  const n = options.n ?? 5;
  const minPair = Math.max(1, options.minPairCount ?? 2);
  const minLift = options.minLift ?? 0;
  const useMax = options.aggregate === 'max';
  const scores = new Map<string, { score: number; parts: [string, number][] }>();
  for (const i of owned) {
    for (const j of c.neighbours(i)) {
      if (owned.has(j) || c.pair(i, j) < minPair) continue;
      const l = liftFrom(c, i, j);
      if (!(l > 0 && l > minLift)) continue;
      let e = scores.get(j);
      if (!e) {
        e = { score: 0, parts: [] };
        scores.set(j, e);
      }
      e.score = useMax ? Math.max(e.score, l) : e.score + l;
      e.parts.push([i, l]);
    }
  }
  const ranked = [...scores.entries()]
    .sort(([p, a], [q, b]) => b.score - a.score || c.item(q) - c.item(p) || (p < q ? -1 : p > q ? 1 : 0))
    .slice(0, n)
    .map(([item, e]) => ({
      item,
      score: e.score,
      because: e.parts
        .sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1))
        .slice(0, 3)
        .map(([i]) => i),
    }));
  if ((options.fillWithPopular ?? true) && ranked.length < n) {
    const taken = new Set([...owned, ...ranked.map((r) => r.item)]);
    for (const item of byPopularity(c, taken)) {
      if (ranked.length >= n) break;
      ranked.push({ item, score: 0, because: [] });
    }
  }
  return ranked;
}

/** Top-N items the customer has not bought, by summed lift from the items they did buy. */
export function recommend(
  model: CoOccurrenceModel,
  owned: Iterable<string>,
  options: RecommendOptions = {},
): Recommendation[] {
  return recommendFrom(modelCounts(model), new Set(owned), options);
}

/** Baseline: the N most popular items (by number of customers) the customer has not bought. */
export function mostPopular(model: CoOccurrenceModel, owned: Iterable<string>, n = 5): string[] {
  return byPopularity(modelCounts(model), new Set(owned)).slice(0, n);
}

export interface HitRateResult {
  k: number;
  /** Customers evaluated (≥ 2 purchase days and at least one new item on the last day). */
  evaluated: number;
  modelHits: number;
  baselineHits: number;
  /** modelHits / evaluated (0 when nothing was evaluated). */
  model: number;
  baseline: number;
}

/**
 * Offline leave-last-out evaluation. For each customer: the hidden items are the items of their
 * last purchase day that they had not bought on an earlier day; customers with a single purchase
 * day or no such item are skipped. Training data = every other customer's full history plus this
 * customer's history before the last day (their baskets are still counted in N; the hidden items
 * are removed from nᵢ and nᵢⱼ). A hit = any hidden item among the top k of `recommend` (model) or
 * of `mostPopular` (baseline), both excluding the customer's remaining items.
 */
export function hitRateAtK(
  histories: readonly ItemPurchase[],
  k: number,
  options: Omit<RecommendOptions, 'n'> = {},
): HitRateResult {
  const byCustomer = new Map<string, Map<string, Set<string>>>();
  for (const p of histories) {
    let days = byCustomer.get(p.customerId);
    if (!days) {
      days = new Map();
      byCustomer.set(p.customerId, days);
    }
    let items = days.get(p.day);
    if (!items) {
      items = new Set();
      days.set(p.day, items);
    }
    items.add(p.item);
  }
  const full = new Map<string, Set<string>>();
  for (const [id, days] of byCustomer) {
    const s = new Set<string>();
    for (const items of days.values()) for (const i of items) s.add(i);
    full.set(id, s);
  }
  const model = buildCoOccurrence(full.values());
  const base = modelCounts(model);
  let evaluated = 0;
  let modelHits = 0;
  let baselineHits = 0;
  const ids = [...byCustomer.keys()].sort();
  for (const id of ids) {
    const days = byCustomer.get(id)!;
    if (days.size < 2) continue;
    const sortedDays = [...days.keys()].sort();
    const lastDay = sortedDays[sortedDays.length - 1]!;
    const train = new Set<string>();
    for (const d of sortedDays.slice(0, -1)) for (const i of days.get(d)!) train.add(i);
    const hidden = new Set([...days.get(lastDay)!].filter((i) => !train.has(i)));
    if (hidden.size === 0) continue;
    evaluated++;
    // Hide the last-day items: nᵢ drops by one for a hidden item, and nᵢⱼ drops by one for every
    // pair inside this customer's full basket that involves a hidden item.
    const mine = full.get(id)!;
    const counts: Counts = {
      N: base.N,
      item: (i) => base.item(i) - (hidden.has(i) ? 1 : 0),
      pair: (i, j) => {
        const n = base.pair(i, j);
        return (hidden.has(i) || hidden.has(j)) && mine.has(i) && mine.has(j) ? n - 1 : n;
      },
      neighbours: base.neighbours,
      items: base.items,
    };
    const recs = recommendFrom(counts, train, { ...options, n: k });
    if (recs.some((r) => hidden.has(r.item))) modelHits++;
    const pop = byPopularity(counts, train).slice(0, k);
    if (pop.some((i) => hidden.has(i))) baselineHits++;
  }
  return {
    k,
    evaluated,
    modelHits,
    baselineHits,
    model: evaluated > 0 ? modelHits / evaluated : 0,
    baseline: evaluated > 0 ? baselineHits / evaluated : 0,
  };
}

/** Recommendations for every customer from the full history. */
export function recommendForCustomers(
  history: readonly ItemPurchase[],
  options: RecommendOptions = {},
): Map<string, Recommendation[]> {
  const baskets = buildBaskets(history);
  const model = buildCoOccurrence(baskets.values());
  const out = new Map<string, Recommendation[]>();
  for (const [id, owned] of baskets) out.set(id, recommend(model, owned, options));
  return out;
}
